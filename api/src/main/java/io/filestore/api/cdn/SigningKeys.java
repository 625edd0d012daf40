package io.filestore.api.cdn;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the delivery URLs' signing keys come from: the settings ({@code filestore.cdn.signing.keys}), or a file
 * generated in the data directory ({@code cdn/signing-keys.properties}, readable by its owner only) that holds
 * {@code active=<id>} and {@code key.<id>=<base64 secret>} lines. A rotation of the generated keys adds a key, makes
 * it active and keeps the older ones (URLs they signed stay valid until they expire); the file is replaced
 * atomically (temp file, fsync, rename), so a crash leaves the old keys or the new ones. Secrets are never logged.
 */
public final class SigningKeys {

    static final String FILE = "signing-keys.properties";
    /** Generated keys kept at most (the oldest are dropped on rotation). */
    static final int MAX_GENERATED = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** How often {@link #signer()} looks whether another instance replaced the file (one stat call). */
    private static final long CHECK_NANOS = 1_000_000_000L;

    private final Path file;
    private volatile DeliverySigner signer;
    private volatile String stamp;
    private volatile long checkedAt = System.nanoTime();

    private SigningKeys(Path file, DeliverySigner signer) {
        this.file = file;
        this.signer = signer;
        this.stamp = io.filestore.blob.FileStamp.of(file);
    }

    /** Keys from the settings when any are configured, else from (or generated into) {@code directory}. */
    public static SigningKeys load(CdnProperties.Signing settings, Path directory) {
        if (!settings.keys().isEmpty()) {
            Map<String, DeliverySigner.Key> keys = new LinkedHashMap<>();
            settings.keys().forEach((id, secret) -> keys.put(id, new DeliverySigner.Key(id, decode(id, secret))));
            String active = settings.activeKey() != null ? settings.activeKey() : keys.keySet().iterator().next();
            return new SigningKeys(null, new DeliverySigner(keys.get(active), keys));
        }
        Path file = directory.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(directory);
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
                }
                write(file, new TreeMap<>(Map.of("k1", newSecret())), "k1");
            }
            return new SigningKeys(file, read(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the CDN signing keys in " + directory, e);
        }
    }

    /**
     * The current keys. Instances that share a data directory share the generated file: when another instance
     * rotated the keys (replaced the file), the file is read again, looked at at most once a second, so URLs signed
     * by any instance verify on every instance within a second of a rotation.
     */
    public DeliverySigner signer() {
        if (file != null && System.nanoTime() - checkedAt > CHECK_NANOS) {
            reloadIfChanged();
        }
        return signer;
    }

    private synchronized void reloadIfChanged() {
        checkedAt = System.nanoTime();
        String now = io.filestore.blob.FileStamp.of(file);
        if (now == null || now.equals(stamp)) {
            return;
        }
        try {
            signer = read(file);
            stamp = now;
        } catch (IOException | RuntimeException e) {
            // a half-visible file cannot happen (it is replaced by a rename); an unreadable one keeps the old keys
            org.slf4j.LoggerFactory.getLogger(SigningKeys.class)
                    .warn("The CDN signing keys in {} changed but cannot be read: {}", file, e.getClass().getName());
        }
    }

    /** Whether {@link #rotate()} can work (the keys are generated, not from the settings). */
    public boolean rotatable() {
        return file != null;
    }

    /** Adds a new generated key and makes it active; answers its id. */
    public synchronized String rotate() {
        if (file == null) {
            throw new IllegalStateException("the signing keys come from the settings: rotate them there");
        }
        try {
            Properties stored = load(file);
            TreeMap<String, String> secrets = new TreeMap<>();
            int highest = 0;
            for (String name : stored.stringPropertyNames()) {
                if (name.startsWith("key.")) {
                    String id = name.substring(4);
                    secrets.put(id, stored.getProperty(name));
                    if (id.matches("k[0-9]{1,9}")) {
                        highest = Math.max(highest, Integer.parseInt(id.substring(1)));
                    }
                }
            }
            String id = "k" + (highest + 1);
            secrets.put(id, newSecret());
            while (secrets.size() > MAX_GENERATED) {
                secrets.remove(secrets.keySet().stream()
                        .min(java.util.Comparator.comparingInt((String k) -> k.matches("k[0-9]{1,9}")
                                ? Integer.parseInt(k.substring(1)) : 0)).orElseThrow());
            }
            write(file, secrets, id);
            signer = read(file);
            stamp = io.filestore.blob.FileStamp.of(file);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate the CDN signing keys in " + file, e);
        }
    }

    private static DeliverySigner read(Path file) throws IOException {
        Properties stored = load(file);
        Map<String, DeliverySigner.Key> keys = new LinkedHashMap<>();
        for (String name : stored.stringPropertyNames()) {
            if (name.startsWith("key.")) {
                String id = name.substring(4);
                keys.put(id, new DeliverySigner.Key(id, decode(id, stored.getProperty(name))));
            }
        }
        String active = stored.getProperty("active");
        if (active == null || !keys.containsKey(active)) {
            throw new IOException(file + " names no active key among its keys");
        }
        return new DeliverySigner(keys.get(active), keys);
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = new StringReader(Files.readString(file, StandardCharsets.UTF_8))) {
            properties.load(reader);
        }
        return properties;
    }

    private static void write(Path file, Map<String, String> secrets, String active) throws IOException {
        StringBuilder text = new StringBuilder("# CDN delivery URL signing keys (secret: keep this file private)\n");
        text.append("active=").append(active).append('\n');
        secrets.forEach((id, secret) -> text.append("key.").append(id).append('=').append(secret).append('\n'));
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temp);
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.write(StandardCharsets.UTF_8.encode(text.toString()));
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // not every file system lets a directory be opened for fsync
        }
    }

    private static String newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    private static byte[] decode(String id, String secret) {
        try {
            return Base64.getDecoder().decode(secret.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("signing key " + id + " is not base64"); // never the secret itself
        }
    }
}
