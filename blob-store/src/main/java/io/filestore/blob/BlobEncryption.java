package io.filestore.blob;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envelope encryption of blobs at rest with Google Tink.
 *
 * <p>Every encrypted replica is one file (or object):
 * <pre>
 * bytes 0..7     magic "FSBLOBE1"
 * bytes 8..15    plaintext size (big endian)
 * bytes 16..19   length n of the wrapped data key
 * bytes 20..20+n the blob's own data key (a Tink AES256_GCM_HKDF_1MB streaming-AEAD keyset), encrypted by the master
 *                key (a Tink AEAD keyset) with the associated data "filestore-blob-key-v1 &lt;sha256&gt; &lt;size&gt;"
 * zero padding up to byte 512
 * bytes 512..    the content, Tink streaming-AEAD ciphertext under the data key (1 MiB segments, each with its tag)
 * </pre>
 * The associated data binds a wrapped key to its blob's hash and size: a header copied onto another blob, or a
 * changed size, does not unwrap. A replica without the magic is a plaintext replica (written before encryption was
 * enabled, or with it disabled) and is read as such.
 *
 * <p>1 MiB segments rather than 4 KiB: one AES-GCM initialization and one 16-byte tag per MiB instead of per 4 KiB
 * (less CPU on whole downloads, which are most reads), and a ranged read of an object in an S3 bucket costs one ranged
 * GET per segment. The price: a range reads at most one segment more on each side (up to 2 MiB extra).
 */
public final class BlobEncryption {

    private static final Logger log = LoggerFactory.getLogger(BlobEncryption.class);

    static final int HEADER_SIZE = 512;
    static final byte[] MAGIC = "FSBLOBE1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM_AD = "filestore-blob-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECK_AD = "filestore-key-check-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECK_VALUE = "filestore master key check".getBytes(StandardCharsets.US_ASCII);
    /** Name of the generated master keyset under the data directory. */
    public static final String GENERATED_KEYSET = "encryption/master-keyset.json";
    /** Name of the key check value under the data directory. */
    public static final String KEY_CHECK = "encryption/key-check";

    static {
        try {
            AeadConfig.register();
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink cannot register its AEAD primitives", e);
        }
    }

    private final Aead masterKey;
    private final boolean encryptNewBlobs;

    private BlobEncryption(Aead masterKey, boolean encryptNewBlobs) {
        this.masterKey = masterKey;
        this.encryptNewBlobs = encryptNewBlobs;
    }

    /** Plaintext writes; encrypted replicas cannot be read (no master key). */
    public static BlobEncryption none() {
        return new BlobEncryption(null, false);
    }

    /**
     * @param masterKeyset    the master key (KEK), a Tink AEAD keyset
     * @param encryptNewBlobs whether new blobs are encrypted (reads of encrypted blobs work either way)
     */
    public static BlobEncryption of(KeysetHandle masterKeyset, boolean encryptNewBlobs) {
        try {
            return new BlobEncryption(masterKeyset.getPrimitive(RegistryConfiguration.get(), Aead.class),
                    encryptNewBlobs);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the master keyset is not an AEAD keyset: " + e.getMessage(), e);
        }
    }

    /**
     * The master key of a store: from {@code keysetFile} if set, else from {@code keysetJson} (an environment
     * variable) if set, else the keyset generated earlier in the data directory; when there is none and encryption is
     * enabled, one is generated there (owner-only permissions) and a warning says so. The key is checked against the
     * key check value of the data directory, which is written by the first start with a key.
     *
     * @throws IllegalStateException a clear start-up error: the key is missing while encrypted blobs exist, or it is
     *                               not the key they were encrypted with, or it cannot be read
     */
    public static BlobEncryption load(boolean enabled, Path keysetFile, String keysetJson, Path dataDir) {
        Path generated = dataDir.resolve(GENERATED_KEYSET);
        Path check = dataDir.resolve(KEY_CHECK);
        KeysetHandle keyset;
        String source;
        try {
            if (keysetFile != null) {
                if (!Files.isRegularFile(keysetFile)) {
                    throw new IllegalStateException("The master keyset file " + keysetFile
                            + " (filestore.encryption.keyset-file) does not exist or is not a file");
                }
                keyset = parse(Files.readString(keysetFile), "the file " + keysetFile);
                source = "the file " + keysetFile;
            } else if (keysetJson != null && !keysetJson.isBlank()) {
                keyset = parse(keysetJson, "FILESTORE_ENCRYPTION_KEYSET");
                source = "the environment variable FILESTORE_ENCRYPTION_KEYSET";
            } else if (Files.exists(generated)) {
                keyset = parse(Files.readString(generated), "the file " + generated);
                source = "the generated file " + generated;
            } else if (Files.exists(check)) {
                throw new IllegalStateException("This store has encrypted blobs (" + check + " exists) but no master "
                        + "key is configured: set filestore.encryption.keyset-file or FILESTORE_ENCRYPTION_KEYSET to "
                        + "the master keyset it was encrypted with (or restore " + generated + ")");
            } else if (!enabled) {
                return none();
            } else {
                keyset = generate(generated);
                source = "the generated file " + generated;
            }
            BlobEncryption encryption = of(keyset, enabled);
            encryption.checkKey(check, source);
            log.info("Encryption at rest {}; master key from {}", enabled ? "enabled" : "disabled for new blobs",
                    source);
            return encryption;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read or write the master key: " + e, e);
        }
    }

    private static KeysetHandle parse(String json, String where) {
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("The master keyset in " + where + " is not a Tink JSON keyset: "
                    + e.getMessage(), e);
        }
    }

    private static KeysetHandle generate(Path file) throws IOException {
        KeysetHandle keyset;
        try {
            keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a master key", e);
        }
        String json;
        try {
            json = TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot serialize the master key", e);
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system
        }
        writeDurably(tmp, json.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        DirectoryNode.fsyncDirectory(file.getParent());
        log.warn("No master key was configured: a new one was generated in {} (readable by its owner only). Every "
                + "encrypted blob needs it: back it up now and keep it APART from the data and from backups of the "
                + "data (a backup restores only with it). Or move it out and point filestore.encryption.keyset-file "
                + "or FILESTORE_ENCRYPTION_KEYSET at it.", file);
        return keyset;
    }

    private static void writeDurably(Path file, byte[] content) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
    }

    /**
     * Verifies (or, the first time, writes) the key check value of a directory node, so a wrong master key (e.g. one
     * generated after the data directory's check value was lost) stops the start instead of making every encrypted
     * replica look tampered.
     */
    void checkNode(Path nodeRoot) {
        if (masterKey == null) {
            return;
        }
        try {
            checkKey(nodeRoot.resolve(NODE_KEY_CHECK), "the configured master key");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read or write the key check value of node " + nodeRoot + ": " + e,
                    e);
        }
    }

    /** Name of the key check value in a directory node. */
    static final String NODE_KEY_CHECK = "encryption-key-check";

    /** Verifies (or, the first time, writes) the key check value: a wrong master key stops the start. */
    private void checkKey(Path check, String source) throws IOException {
        if (Files.exists(check)) {
            byte[] value = Files.readAllBytes(check);
            try {
                if (!Arrays.equals(masterKey.decrypt(value, CHECK_AD), CHECK_VALUE)) {
                    throw new GeneralSecurityException("unexpected check value");
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("The master key from " + source + " is not the key this store's blobs "
                        + "were encrypted with (it does not open " + check + "): configure the right keyset; nothing "
                        + "was read or changed");
            }
            return;
        }
        try {
            Files.createDirectories(check.getParent());
            Path tmp = check.resolveSibling(check.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            writeDurably(tmp, masterKey.encrypt(CHECK_VALUE, CHECK_AD));
            Files.move(tmp, check, StandardCopyOption.ATOMIC_MOVE);
            DirectoryNode.fsyncDirectory(check.getParent());
        } catch (FileAlreadyExistsException e) {
            checkKey(check, source);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt with the master key: " + e.getMessage(), e);
        }
    }

    boolean encryptsNewBlobs() {
        return encryptNewBlobs;
    }

    // --- scratch data ----------------------------------------------------------------------------------------------

    /**
     * A new key for scratch data (a resumable upload's received bytes) when new data is encrypted, else null. Its
     * data key is wrapped by the master key with associated data {@code "filestore-scratch-key-v1 <context>"}.
     */
    public ScratchKey newScratchKey(String context) {
        if (!encryptNewBlobs) {
            return null;
        }
        try {
            KeysetHandle dataKey = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, masterKey, scratchAd(context));
            return new ScratchKey(dataKey.getPrimitive(RegistryConfiguration.get(), Aead.class), wrapped);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a scratch key: " + e.getMessage(), e);
        }
    }

    /**
     * Opens the wrapped key of scratch data ({@link ScratchKey#wrapped()}) for the same context.
     *
     * @throws IOException no master key is configured, or it does not open this key (another master key, another
     *                     context, or altered bytes)
     */
    public ScratchKey openScratchKey(byte[] wrapped, String context) throws IOException {
        if (masterKey == null) {
            throw new IOException("the scratch data of " + context + " is encrypted and no master key is configured");
        }
        try {
            KeysetHandle dataKey = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, masterKey, scratchAd(context));
            return new ScratchKey(dataKey.getPrimitive(RegistryConfiguration.get(), Aead.class), wrapped);
        } catch (GeneralSecurityException e) {
            throw new IOException("the scratch key of " + context + " does not open with the master key", e);
        }
    }

    private static byte[] scratchAd(String context) {
        return ("filestore-scratch-key-v1 " + context).getBytes(StandardCharsets.UTF_8);
    }

    // --- writing ---------------------------------------------------------------------------------------------------

    /**
     * Encrypts {@code in} into the existing empty file {@code target} under a new data key while hashing the
     * plaintext; the plaintext is never written. Reads at most {@code maxBytes + 1} bytes.
     */
    Sha256.Digested receive(InputStream in, Path target, long maxBytes, boolean fsync)
            throws IOException, Sha256.TooLargeException {
        KeysetHandle dataKey;
        StreamingAead aead;
        try {
            dataKey = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
            aead = primitive(dataKey);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create a data key: " + e.getMessage(), e);
        }
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[Sha256.BUFFER_SIZE];
        long total = 0;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE)) {
            out.position(HEADER_SIZE);
            OutputStream unclosed = new FilterOutputStream(Channels.newOutputStream(out)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush(); // the channel is closed by its owner
                }
            };
            try (OutputStream encrypting = aead.newEncryptingStream(unclosed, STREAM_AD)) {
                while (true) {
                    long remaining = maxBytes - total;
                    int n = in.read(buffer, 0, remaining >= buffer.length ? buffer.length : (int) remaining + 1);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                    if (total > maxBytes) {
                        throw new Sha256.TooLargeException(maxBytes);
                    }
                    digest.update(buffer, 0, n);
                    encrypting.write(buffer, 0, n);
                }
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encrypt: " + e.getMessage(), e);
            }
            String sha256 = HexFormat.of().formatHex(digest.digest());
            ByteBuffer header = header(dataKey, sha256, total);
            while (header.hasRemaining()) {
                out.write(header, header.position());
            }
            if (fsync) {
                out.force(true);
            }
            return new Sha256.Digested(sha256, total);
        }
    }

    private ByteBuffer header(KeysetHandle dataKey, String sha256, long size) throws IOException {
        byte[] wrapped;
        try {
            wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, masterKey, keyAd(sha256, size));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot wrap the data key: " + e.getMessage(), e);
        }
        if (20 + wrapped.length > HEADER_SIZE) {
            throw new IOException("the wrapped data key (" + wrapped.length + " bytes) does not fit the header");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        header.put(MAGIC).putLong(size).putInt(wrapped.length).put(wrapped);
        header.position(0);
        return header;
    }

    /**
     * The streaming AEAD of a data key (a keyset of one AES-GCM-HKDF key): the key's own primitive, without the
     * keyset wrapper that tries every key of a keyset (which would buffer the ciphertext's start to rewind it).
     */
    private static StreamingAead primitive(KeysetHandle dataKey) throws GeneralSecurityException {
        if (dataKey.size() != 1 || !(dataKey.getPrimary().getKey() instanceof AesGcmHkdfStreamingKey key)) {
            throw new GeneralSecurityException("a data key is one AES-GCM-HKDF streaming key");
        }
        return AesGcmHkdfStreaming.create(key);
    }

    private static byte[] keyAd(String sha256, long size) {
        return ("filestore-blob-key-v1 " + sha256 + " " + size).getBytes(StandardCharsets.US_ASCII);
    }

    // --- reading ---------------------------------------------------------------------------------------------------

    /** Thrown when a replica's ciphertext or header fails its authentication: the replica is corrupt. */
    static final class TamperedException extends IOException {
        TamperedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** How a replica is stored. */
    record Format(boolean encrypted, long plaintextSize, StreamingAead aead) {
        static final Format PLAIN = new Format(false, -1, null);
    }

    /** Whether the header bytes start with the magic of an encrypted replica. */
    static boolean hasMagic(byte[] header) {
        return header.length >= MAGIC.length && Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** Whether a local file is an encrypted replica (starts with the magic). */
    static boolean isEncrypted(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return hasMagic(in.readNBytes(MAGIC.length));
        }
    }

    /** Reads the first bytes of a replica (a ranged GET for an object). */
    static byte[] readHeader(Node node, Replica replica) throws IOException {
        int length = (int) Math.min(HEADER_SIZE, replica.size());
        try (InputStream in = node.open(replica, 0, length)) {
            return in.readNBytes(length);
        }
    }

    /** The format of a replica; an encrypted one's data key is unwrapped. */
    Format format(Replica replica) throws IOException {
        if (replica.size() < MAGIC.length) {
            return Format.PLAIN;
        }
        try {
            return format(readHeader(replica.node(), replica), replica.sha256(), replica.size());
        } catch (IOException e) {
            // plaintext content may start with the magic too (e.g. a replica file uploaded with encryption off)
            if (hasMagic(readHeader(replica.node(), replica))
                    && replica.node().hash(replica).sha256().equals(replica.sha256())) {
                return Format.PLAIN;
            }
            throw e;
        }
    }

    Format format(byte[] header, String sha256, long storedSize) throws IOException {
        if (!hasMagic(header)) {
            return Format.PLAIN;
        }
        if (masterKey == null) {
            throw new IOException("blob " + sha256 + " is encrypted and no master key is configured");
        }
        if (header.length < HEADER_SIZE) {
            throw new TamperedException("the encrypted replica of " + sha256 + " is shorter than its header", null);
        }
        ByteBuffer buffer = ByteBuffer.wrap(header);
        buffer.position(MAGIC.length);
        long size = buffer.getLong();
        int length = buffer.getInt();
        if (size < 0 || length <= 0 || length > HEADER_SIZE - 20) {
            throw new TamperedException("the header of the encrypted replica of " + sha256 + " is damaged", null);
        }
        byte[] wrapped = Arrays.copyOfRange(header, 20, 20 + length);
        try {
            KeysetHandle dataKey = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, masterKey, keyAd(sha256, size));
            return new Format(true, size, primitive(dataKey));
        } catch (GeneralSecurityException e) {
            throw new TamperedException("the data key of the replica of " + sha256 + " does not unwrap with the "
                    + "master key for this blob (tampered or not this blob's header)", e);
        }
    }

    /** Hashes the plaintext of a whole replica; an authentication failure is a {@link TamperedException}. */
    Sha256.Digested digest(Replica replica) throws IOException {
        Format format = format(replica);
        if (!format.encrypted()) {
            return replica.node().hash(replica);
        }
        try (InputStream in = decrypting(format, replica.sha256(),
                replica.node().open(replica, HEADER_SIZE, replica.size() - HEADER_SIZE))) {
            return Sha256.of(in);
        }
    }

    /** Hashes the plaintext of a local copy of a replica. */
    Sha256.Digested digest(Path file, String sha256) throws IOException {
        byte[] header;
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            header = in.readNBytes((int) Math.min(HEADER_SIZE, size));
        }
        Format format;
        try {
            format = format(header, sha256, size);
        } catch (IOException e) {
            Sha256.Digested raw = Sha256.of(file); // plaintext content that starts with the magic
            if (raw.sha256().equals(sha256)) {
                return raw;
            }
            throw e;
        }
        if (!format.encrypted()) {
            return Sha256.of(file);
        }
        InputStream raw = Files.newInputStream(file);
        try (InputStream in = decrypting(format, sha256, raw)) {
            raw.skipNBytes(HEADER_SIZE);
            return Sha256.of(in);
        }
    }

    /**
     * Decrypts a ciphertext stream (positioned after the header). A segment is returned only after its tag was
     * checked, so a tampered replica ends the stream with a {@link TamperedException}, never with a wrong byte.
     */
    InputStream decrypting(Format format, String sha256, InputStream ciphertext) throws IOException {
        SourceErrors source = new SourceErrors(ciphertext);
        InputStream plain;
        try {
            plain = format.aead().newDecryptingStream(source, STREAM_AD);
        } catch (GeneralSecurityException e) {
            throw new TamperedException("cannot decrypt the replica of " + sha256, e);
        }
        return new java.io.FilterInputStream(plain) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw classify(e, source, sha256);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw classify(e, source, sha256);
                }
            }
        };
    }

    /**
     * A range of the plaintext of an encrypted replica: only the segments that hold it are read and decrypted
     * (Tink's seekable decrypting channel over the replica's file, or over ranged reads of an object).
     */
    InputStream decryptRange(Format format, Replica replica, long offset, long length) throws IOException {
        SeekableByteChannel ciphertext = replica.path() != null
                ? new CiphertextChannel.OfFile(FileChannel.open(replica.path(), StandardOpenOption.READ), HEADER_SIZE)
                : new CiphertextChannel.OfNode(replica, HEADER_SIZE);
        SeekableByteChannel plain;
        try {
            plain = format.aead().newSeekableDecryptingChannel(ciphertext, STREAM_AD);
            plain.position(offset);
        } catch (GeneralSecurityException e) {
            ciphertext.close();
            throw new TamperedException("cannot decrypt the replica of " + replica.sha256(), e);
        } catch (IOException | RuntimeException e) {
            ciphertext.close();
            throw e;
        }
        return new CiphertextChannel.RangeStream(plain, ciphertext, length, replica.sha256());
    }

    static IOException classify(IOException e, SourceErrors source, String sha256) {
        if (e instanceof TamperedException || source.failure != null) {
            return e; // a real read error of the replica, or already classified
        }
        return new TamperedException("the replica of " + sha256 + " fails its authentication: " + e.getMessage(), e);
    }

    /** Remembers whether an exception came from reading the ciphertext (then it is not a failed authentication). */
    static final class SourceErrors extends java.io.FilterInputStream {
        volatile IOException failure;

        SourceErrors(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }
}
