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
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envelope encryption of blobs at rest with Google Tink.
 *
 * <p>Every encrypted replica is one file (or object):
 * <pre>
 * bytes 0..7     magic "FSBLOBE1"
 * bytes 8..15    plaintext size (big endian)
 * bytes 16..19   slot A: length n of the wrapped data key (0: empty)
 * bytes 20..20+n slot A: the blob's own data key (a Tink AES256_GCM_HKDF_1MB streaming-AEAD keyset), encrypted by the
 *                master key (a Tink AEAD keyset) with the associated data "filestore-blob-key-v1 &lt;sha256&gt; &lt;size&gt;"
 * bytes 256..259 slot B: length m of the same data key wrapped again (0: empty; always empty before a key rotation)
 * bytes 260..    slot B: the wrapped data key
 * zero padding up to byte 512
 * bytes 512..    the content, Tink streaming-AEAD ciphertext under the data key (1 MiB segments, each with its tag)
 * </pre>
 * A replica opens with whichever slot unwraps. A key rotation ({@link #rewrap}) writes the data key wrapped by the new
 * primary master key into the slot that is not in use, forces it to disk, and only then empties the old slot: a crash
 * at any point leaves at least one slot that opens, never a half-written only key.
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

    static final int SLOT_A = 16;
    static final int SLOT_B = 256;
    /** Where each key slot (A, B) starts and ends in the header: a length, then the wrapped key, then zeros. */
    private static final int[] SLOT_START = {SLOT_A, SLOT_B};
    private static final int[] SLOT_END = {SLOT_B, HEADER_SIZE};

    /** The master keyset's AEAD (tries each key to decrypt, encrypts with the primary); null without a master key. */
    private volatile Aead masterKey;
    private volatile KeysetHandle masterKeyset;
    private volatile Map<Integer, Aead> keysById = Map.of();
    private final boolean encryptNewBlobs;
    /** Where the master keyset is kept when the service may change it (a rotation); null when it may not. */
    private volatile Path keysetFile;
    /** The keyset file as last read or written here (modification time and size), to notice another's change. */
    private volatile String keysetStamp;
    private volatile long keysetCheckedAt = System.nanoTime();
    /** How often a write looks whether another instance changed the keyset file (one stat call). */
    private static final long KEYSET_CHECK_NANOS = 1_000_000_000L;
    private volatile Path keyCheck;

    private BlobEncryption(KeysetHandle masterKeyset, boolean encryptNewBlobs) throws GeneralSecurityException {
        this.encryptNewBlobs = encryptNewBlobs;
        if (masterKeyset != null) {
            use(masterKeyset);
        }
    }

    private void use(KeysetHandle keyset) throws GeneralSecurityException {
        Map<Integer, Aead> byId = new LinkedHashMap<>();
        for (int i = 0; i < keyset.size(); i++) {
            KeysetHandle.Entry entry = keyset.getAt(i);
            KeysetHandle single = KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.importKey(entry.getKey()).withFixedId(entry.getId()).makePrimary()).build();
            byId.put(entry.getId(), single.getPrimitive(RegistryConfiguration.get(), Aead.class));
        }
        Aead aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        this.keysById = Map.copyOf(byId);
        this.masterKeyset = keyset;
        this.masterKey = aead;
    }

    /** Plaintext writes; encrypted replicas cannot be read (no master key). */
    public static BlobEncryption none() {
        try {
            return new BlobEncryption(null, false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param masterKeyset    the master key (KEK), a Tink AEAD keyset
     * @param encryptNewBlobs whether new blobs are encrypted (reads of encrypted blobs work either way)
     */
    public static BlobEncryption of(KeysetHandle masterKeyset, boolean encryptNewBlobs) {
        try {
            return new BlobEncryption(masterKeyset, encryptNewBlobs);
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
        Path writable = null;
        try {
            if (keysetFile != null) {
                writable = keysetFile;
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
                writable = generated;
            } else if (Files.exists(check)) {
                throw new IllegalStateException("This store has encrypted blobs (" + check + " exists) but no master "
                        + "key is configured: set filestore.encryption.keyset-file or FILESTORE_ENCRYPTION_KEYSET to "
                        + "the master keyset it was encrypted with (or restore " + generated + ")");
            } else if (!enabled) {
                return none();
            } else {
                keyset = generate(generated);
                source = "the generated file " + generated;
                writable = generated;
            }
            BlobEncryption encryption = of(keyset, enabled);
            encryption.checkKey(check, source);
            encryption.keysetFile = writable;
            encryption.keysetStamp = FileStamp.of(writable);
            encryption.keyCheck = check;
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
        writeAtomically(file, json.getBytes(StandardCharsets.UTF_8), true, false);
        log.warn("No master key was configured: a new one was generated in {} (readable by its owner only). Every "
                + "encrypted blob needs it: back it up now and keep it APART from the data and from backups of the "
                + "data (a backup restores only with it). Or move it out and point filestore.encryption.keyset-file "
                + "or FILESTORE_ENCRYPTION_KEYSET at it.", file);
        return keyset;
    }

    /**
     * Writes {@code content} to {@code file} through a temp file that is forced and then renamed over it (a reader sees
     * the old file or the new one, never a part), then forces the directory.
     *
     * @param ownerOnly the file is readable by its owner only (a keyset)
     * @param replace   an existing file is replaced; otherwise the rename may fail with FileAlreadyExistsException
     */
    private static void writeAtomically(Path file, byte[] content, boolean ownerOnly, boolean replace)
            throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (ownerOnly) {
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp); // not a POSIX file system
            }
        } else {
            Files.createFile(tmp);
        }
        writeDurably(tmp, content);
        if (replace) {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        DirectoryNode.fsyncDirectory(file.getParent());
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
            writeAtomically(check, masterKey.encrypt(CHECK_VALUE, CHECK_AD), false, false);
        } catch (FileAlreadyExistsException e) {
            checkKey(check, source);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt with the master key: " + e.getMessage(), e);
        }
    }

    public boolean encryptsNewBlobs() {
        return encryptNewBlobs;
    }

    // --- scratch data ----------------------------------------------------------------------------------------------

    /**
     * A new key for scratch data (a resumable upload's received bytes) when new data is encrypted, else null. Its
     * data key is wrapped by the master key with associated data {@code "filestore-scratch-key-v1 <context>"}.
     */
    public ScratchKey newScratchKey(String context) {
        reloadIfDue();
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
            return openScratch(wrapped, context);
        } catch (GeneralSecurityException e) {
            if (reloadIfChanged()) { // wrapped by another instance under a key this one has not read yet
                try {
                    return openScratch(wrapped, context);
                } catch (GeneralSecurityException again) {
                    e = again;
                }
            }
            throw new IOException("the scratch key of " + context + " does not open with the master key", e);
        }
    }

    private ScratchKey openScratch(byte[] wrapped, String context) throws GeneralSecurityException {
        KeysetHandle dataKey = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, masterKey, scratchAd(context));
        return new ScratchKey(dataKey.getPrimitive(RegistryConfiguration.get(), Aead.class), wrapped);
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
        reloadIfDue();
        byte[] wrapped;
        try {
            wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, masterKey, keyAd(sha256, size));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot wrap the data key: " + e.getMessage(), e);
        }
        if (SLOT_A + 4 + wrapped.length > SLOT_B) {
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
        long size = buffer.getLong(MAGIC.length);
        if (size < 0) {
            throw new TamperedException("the header of the encrypted replica of " + sha256 + " is damaged", null);
        }
        GeneralSecurityException failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            for (byte[] wrapped : slots(header)) {
                if (wrapped == null) {
                    continue;
                }
                try {
                    KeysetHandle dataKey = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, masterKey,
                            keyAd(sha256, size));
                    return new Format(true, size, primitive(dataKey));
                } catch (GeneralSecurityException e) {
                    failure = e;
                }
            }
            if (!reloadIfChanged()) {
                break;
            }
        }
        throw new TamperedException("the data key of the replica of " + sha256 + " does not unwrap with the "
                + "master key for this blob (tampered, not this blob's header, or wrapped by a key the keyset no "
                + "longer has)", failure);
    }

    /** The wrapped data keys of slot A and slot B; null for a slot that is empty (or whose length does not fit). */
    private static byte[][] slots(byte[] header) {
        byte[][] slots = new byte[2][];
        ByteBuffer buffer = ByteBuffer.wrap(header);
        for (int slot = 0; slot < 2; slot++) {
            int start = SLOT_START[slot];
            int length = buffer.getInt(start);
            if (length > 0 && start + 4 + length <= SLOT_END[slot]) {
                slots[slot] = Arrays.copyOfRange(header, start + 4, start + 4 + length);
            }
        }
        return slots;
    }

    // --- key rotation ----------------------------------------------------------------------------------------------

    /** What {@link #rewrap} found and did. */
    public enum Rewrap {
        /** A plaintext replica: nothing to re-wrap. */
        PLAINTEXT,
        /** The data key was already wrapped by the primary master key alone. */
        CURRENT,
        /** The data key is now wrapped by the primary master key alone. */
        REWRAPPED
    }

    /** One master key of the keyset. */
    public record MasterKey(int id, boolean primary, String status) {
    }

    /** The master keyset's keys (empty without a master key). */
    public List<MasterKey> masterKeys() {
        KeysetHandle keyset = masterKeyset;
        List<MasterKey> keys = new ArrayList<>();
        if (keyset != null) {
            for (int i = 0; i < keyset.size(); i++) {
                KeysetHandle.Entry entry = keyset.getAt(i);
                keys.add(new MasterKey(entry.getId(), entry.isPrimary(), entry.getStatus().toString()));
            }
        }
        return keys;
    }

    /** The id of the primary master key, which wraps every new data key (any int); 0 without a master key. */
    public int primaryKeyId() {
        KeysetHandle keyset = masterKeyset;
        return keyset == null ? 0 : keyset.getPrimary().getId();
    }

    /** Whether the service keeps the master keyset in a file it may rewrite (not in an environment variable). */
    public boolean keysetWritable() {
        return keysetFile != null;
    }

    /**
     * Adds a new AES256_GCM key to the master keyset and makes it primary: new data keys are wrapped by it from now
     * on; the old keys stay in the keyset (they still unwrap every existing data key until {@link #rewrap} has run
     * over them). The keyset file is replaced atomically (owner-only permissions) before the key is used.
     *
     * @return the new primary key's id
     * @throws IllegalStateException no master key, or the keyset is not in a file the service may rewrite
     */
    public synchronized int rotate() throws IOException {
        reloadIfChanged(); // build on the file as it is now: another instance may have changed it
        Path file = requireWritableKeyset();
        try {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(masterKeyset);
            for (int i = 0; i < builder.size(); i++) {
                builder.getAt(i).setStatus(com.google.crypto.tink.KeyStatus.ENABLED);
            }
            builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                    .withRandomId().makePrimary());
            KeysetHandle rotated = builder.build();
            save(rotated, file);
            use(rotated);
            log.warn("A new master key {} is primary (keyset {}); back the keyset file up again now", primaryKeyId(),
                    file);
            return primaryKeyId();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot add a master key: " + e.getMessage(), e);
        }
    }

    /**
     * Removes a master key that is not primary from the keyset (the caller checked that no data key needs it any
     * more). The keyset file is replaced atomically.
     *
     * @throws IllegalArgumentException no such key, or it is the primary key
     */
    public synchronized void retire(int keyId) throws IOException {
        reloadIfChanged(); // build on the file as it is now: another instance may have changed it
        Path file = requireWritableKeyset();
        try {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(masterKeyset);
            for (int i = 0; i < builder.size(); i++) {
                if (masterKeyset.getAt(i).getId() == keyId) {
                    if (masterKeyset.getAt(i).isPrimary()) {
                        throw new IllegalArgumentException("master key " + keyId + " is the primary key");
                    }
                    builder.deleteAt(i);
                    KeysetHandle retired = builder.build();
                    save(retired, file);
                    use(retired);
                    log.warn("Master key {} was retired from the keyset {}; back the keyset file up again now",
                            keyId, file);
                    return;
                }
            }
            throw new IllegalArgumentException("the keyset has no master key " + keyId);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot retire master key " + keyId + ": " + e.getMessage(), e);
        }
    }

    private Path requireWritableKeyset() {
        if (masterKeyset == null) {
            throw new IllegalStateException("no master key is configured");
        }
        if (keysetFile == null) {
            throw new IllegalStateException("the master keyset comes from FILESTORE_ENCRYPTION_KEYSET, which the "
                    + "service cannot change: put a keyset with a new primary key there and restart (then start a "
                    + "re-wrap), or keep the keyset in a file (filestore.encryption.keyset-file)");
        }
        return keysetFile;
    }

    private void save(KeysetHandle keyset, Path file) throws IOException, GeneralSecurityException {
        String json = TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        writeAtomically(file, json.getBytes(StandardCharsets.UTF_8), true, true);
        keysetStamp = FileStamp.of(file);
    }

    /**
     * Reads the keyset file again when it changed since this process last read or wrote it: several instances
     * share one data directory (README "Several instances on one data set"), and a rotation or retirement on one
     * of them replaces the file. Writes look at most once a second ({@link #header}); a data key that does not
     * unwrap looks at once (a blob wrapped by another instance's new primary key).
     *
     * @return whether the keyset changed
     */
    public synchronized boolean reloadIfChanged() {
        keysetCheckedAt = System.nanoTime();
        Path file = keysetFile;
        if (file == null) {
            return false;
        }
        String now = FileStamp.of(file);
        if (now == null || now.equals(keysetStamp)) {
            return false;
        }
        try {
            KeysetHandle keyset = parse(Files.readString(file), "the file " + file);
            use(keyset);
            keysetStamp = now;
            log.info("The master keyset {} was changed by another instance and is read again (primary key {})",
                    file, primaryKeyId());
            return true;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.warn("The master keyset {} changed but cannot be read again: {}", file, e.toString());
            return false;
        }
    }

    private void reloadIfDue() {
        if (keysetFile != null && System.nanoTime() - keysetCheckedAt > KEYSET_CHECK_NANOS) {
            reloadIfChanged();
        }
    }

    /**
     * Makes the data key of an encrypted replica file wrapped by the primary master key alone: it is unwrapped from
     * the slot that opens, wrapped by the primary key into the other slot, forced to disk, and only then is the old
     * slot emptied (and forced). Killed at any point, the replica keeps a slot that opens with the keyset; a second
     * run finishes the job. The content is not touched, so readers of the replica are not disturbed.
     *
     * @param slotWritten called after the new slot was forced to disk and before the old one is emptied (a test hook
     *                    for a kill at the worst moment)
     * @throws TamperedException the header opens with no key of the keyset
     * @throws IOException       the file cannot be read or written
     */
    Rewrap rewrap(Path file, String sha256, Runnable slotWritten) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer read = ByteBuffer.allocate(HEADER_SIZE);
            while (read.hasRemaining() && channel.read(read, read.position()) > 0) {
                // a header is at most 512 bytes
            }
            byte[] header = read.array();
            if (read.position() < HEADER_SIZE || !hasMagic(header)) {
                return Rewrap.PLAINTEXT;
            }
            long size = ByteBuffer.wrap(header).getLong(MAGIC.length);
            byte[] ad = keyAd(sha256, size);
            int primary = primaryKeyId();
            byte[][] slots = slots(header);
            boolean[] used = {slots[0] != null, slots[1] != null};
            Integer[] keyOf = {null, null}; // the id of the key that opens each slot, if one does
            KeysetHandle dataKey = null;
            for (int slot = 0; slot < 2; slot++) {
                if (!used[slot]) {
                    continue;
                }
                for (Map.Entry<Integer, Aead> key : keysById.entrySet()) {
                    try {
                        dataKey = TinkProtoKeysetFormat.parseEncryptedKeyset(slots[slot], key.getValue(), ad);
                        keyOf[slot] = key.getKey();
                        break;
                    } catch (GeneralSecurityException e) {
                        // not this key
                    }
                }
            }
            if (dataKey == null) {
                if (Sha256.of(file).sha256().equals(sha256)) {
                    return Rewrap.PLAINTEXT; // plaintext content that starts with the magic
                }
                throw new TamperedException("the data key of the replica of " + sha256 + " opens with no key of the "
                        + "master keyset", null);
            }
            int current = Integer.valueOf(primary).equals(keyOf[0]) ? 0
                    : Integer.valueOf(primary).equals(keyOf[1]) ? 1 : -1;
            if (current >= 0) {
                int other = 1 - current;
                if (!used[other]) {
                    return Rewrap.CURRENT;
                }
                clearSlot(channel, other); // left by a rewrap that stopped before it emptied the old slot
                return Rewrap.REWRAPPED;
            }
            // write the unused slot (or, both in use, the one that does not open), then empty the other
            int target = !used[0] ? 0 : !used[1] ? 1 : keyOf[0] == null ? 0 : 1;
            byte[] wrapped;
            try {
                wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, masterKey, ad);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot wrap the data key of " + sha256 + ": " + e.getMessage(), e);
            }
            int room = SLOT_END[target] - SLOT_START[target];
            if (4 + wrapped.length > room) {
                throw new IOException("the wrapped data key (" + wrapped.length + " bytes) does not fit slot "
                        + (target == 0 ? "A" : "B"));
            }
            ByteBuffer slot = ByteBuffer.allocate(room);
            slot.putInt(wrapped.length).put(wrapped).position(0);
            writeFully(channel, slot, SLOT_START[target]);
            channel.force(false);
            slotWritten.run();
            clearSlot(channel, 1 - target);
            return Rewrap.REWRAPPED;
        }
    }

    /** Empties slot {@code slot} (0 for A, 1 for B) and forces it to disk. */
    private static void clearSlot(FileChannel channel, int slot) throws IOException {
        writeFully(channel, ByteBuffer.allocate(SLOT_END[slot] - SLOT_START[slot]), SLOT_START[slot]);
        channel.force(false);
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
    }

    /**
     * Rewrites a key check value (the data directory's or a node's) with the primary master key, atomically, so that
     * it still opens once older keys are retired.
     */
    void rewriteKeyCheck(Path check) throws IOException {
        if (masterKey == null || !Files.exists(check.getParent())) {
            return;
        }
        try {
            writeAtomically(check, masterKey.encrypt(CHECK_VALUE, CHECK_AD), false, true);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt the key check value: " + e.getMessage(), e);
        }
    }

    /** The data directory's key check value, or null (a store built without {@link #load}). */
    Path keyCheck() {
        return keyCheck;
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
