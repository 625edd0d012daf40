package io.filestore.blob;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The key of scratch data that is not a blob yet but must not lie on disk in plaintext either: the bytes a resumable
 * upload has received so far. Each has its own data key (a Tink AES256_GCM keyset), kept beside the data wrapped by
 * the master key with associated data naming what it encrypts ({@link BlobEncryption#newScratchKey}); the caller seals
 * records with associated data that binds each one to its place (an upload and an offset), so that a record moved,
 * reordered or replayed does not open.
 */
public final class ScratchKey {

    private final Aead aead;
    private final byte[] wrapped;
    private final int overhead;

    ScratchKey(Aead aead, byte[] wrapped) {
        this.aead = aead;
        this.wrapped = wrapped.clone();
        this.overhead = seal(new byte[0], 0, 0, new byte[0]).length;
    }

    /** How many bytes larger than its plaintext a sealed record is (Tink's prefix, the nonce and the tag). */
    public int overhead() {
        return overhead;
    }

    /** The data key wrapped by the master key: what is stored to open the data later. */
    public byte[] wrapped() {
        return wrapped.clone();
    }

    /** Encrypts {@code length} bytes of {@code plaintext} from {@code offset}; the result is larger by a fixed overhead. */
    public byte[] seal(byte[] plaintext, int offset, int length, byte[] associatedData) {
        try {
            byte[] exact = offset == 0 && length == plaintext.length ? plaintext
                    : Arrays.copyOfRange(plaintext, offset, offset + length);
            return aead.encrypt(exact, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts a sealed record.
     *
     * @throws GeneralSecurityException the record or its associated data was altered, or belongs elsewhere
     */
    public byte[] open(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return aead.decrypt(ciphertext, associatedData);
    }
}
