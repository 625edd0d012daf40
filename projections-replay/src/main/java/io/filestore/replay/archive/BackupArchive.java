package io.filestore.replay.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;

/**
 * The backup archive format ({@value #FORMAT}), one directory per backup:
 * <pre>
 * events.jsonl.gz     every event row with global index &lt;= position, ascending ({@link EventRow} per line)
 * snapshots.jsonl.gz  the aggregate snapshots consistent with those events ({@link EventRow}, no global index)
 * blobs.jsonl.gz      the blob manifest: every blob the events reference ({@link BlobRef} per line), by SHA-256
 * manifest.json       counts, position, and each part's size and SHA-256 ({@link Manifest})
 * SHA256SUMS          SHA-256 of the three parts and the manifest, in sha256sum's format; written last: an archive
 *                     without it is incomplete
 * </pre>
 * Every part is gzip-compressed JSON Lines with base64 payloads, readable by any tool. {@link #validate} reads the
 * whole archive and checks it against its checksums and counts without changing anything.
 */
public final class BackupArchive {

    public static final String FORMAT = "filestore-backup/1";
    public static final String EVENTS = "events.jsonl.gz";
    public static final String SNAPSHOTS = "snapshots.jsonl.gz";
    public static final String BLOBS = "blobs.jsonl.gz";
    public static final String MANIFEST = "manifest.json";
    public static final String SUMS = "SHA256SUMS";

    private static final List<String> PARTS = List.of(EVENTS, SNAPSHOTS, BLOBS);
    private static final Pattern SUM_LINE = Pattern.compile("([0-9a-f]{64}) [ *](.+)");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private BackupArchive() {
    }

    /** Opens a new part for writing; it must not exist yet. */
    public static PartWriter createPart(Path dir, String name) throws IOException {
        if (!PARTS.contains(name)) {
            throw new IllegalArgumentException("not an archive part: " + name);
        }
        return new PartWriter(dir.resolve(name));
    }

    /** Writes the manifest, then the checksum file that marks the archive complete (both forced to disk). */
    public static void seal(Path dir, Manifest manifest) throws IOException {
        byte[] manifestBytes = ArchiveJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        writeDurably(dir.resolve(MANIFEST), manifestBytes);
        StringBuilder sums = new StringBuilder();
        for (ArchivePart part : manifest.parts()) {
            sums.append(part.sha256()).append("  ").append(part.name()).append('\n');
        }
        sums.append(HexFormat.of().formatHex(ArchiveJson.sha256().digest(manifestBytes))).append("  ")
                .append(MANIFEST).append('\n');
        writeDurably(dir.resolve(SUMS), sums.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the directory holds a sealed archive (not whether it is intact: see {@link #validate}). */
    public static boolean isSealed(Path dir) {
        return Files.isRegularFile(dir.resolve(SUMS));
    }

    /** Reads the manifest of a sealed archive, checking only its own checksum. */
    public static Manifest manifest(Path dir) {
        Map<String, String> sums = readSums(dir);
        return readManifest(dir, sums);
    }

    /**
     * Checks a whole archive: the checksum file, the manifest, each part's size and SHA-256, and then every entry of
     * every part (well-formed, counted, events in ascending global index up to the position). Computes the position
     * to restore up to: the backup's own, the requested {@code position}, or the last event at or before {@code at}
     * (events are taken in stream order up to the first one recorded after {@code at}).
     *
     * @throws ArchiveException naming the file and what is wrong with it
     */
    public static ValidatedArchive validate(Path dir, String expectedId, Instant at, Long position) {
        Map<String, String> sums = readSums(dir);
        Manifest manifest = readManifest(dir, sums);
        if (!FORMAT.equals(manifest.format())) {
            throw new ArchiveException(MANIFEST + " has format " + manifest.format() + "; this version reads " + FORMAT);
        }
        if (!expectedId.equals(manifest.backupId())) {
            throw new ArchiveException(MANIFEST + " belongs to backup " + manifest.backupId() + ", not " + expectedId);
        }
        if (position != null && position > manifest.position()) {
            throw new ArchiveException("position " + position + " is after the backup's position "
                    + manifest.position());
        }
        for (String name : PARTS) {
            ArchivePart part = manifest.part(name);
            if (!part.sha256().equals(sums.get(name))) {
                throw new ArchiveException(SUMS + " and " + MANIFEST + " disagree about " + name);
            }
            verifyFile(dir.resolve(name), part.bytes(), part.sha256());
        }
        long cut = position != null ? position : manifest.position();
        Counter events = new Counter();
        forEach(dir, EVENTS, EventRow.class, manifest.part(EVENTS).entries(), (row, line) -> {
            requireEvent(row, line, manifest.position());
            if (row.globalIndex() <= events.lastIndex) {
                throw new ArchiveException(EVENTS + " line " + line + ": global index " + row.globalIndex()
                        + " does not follow " + events.lastIndex);
            }
            events.lastIndex = row.globalIndex();
            if (at != null && !events.stopped) {
                Instant eventAt = parseTime(row.timeStamp(), line);
                if (eventAt.isAfter(at)) {
                    events.stopped = true;
                }
            }
            if (!events.stopped && row.globalIndex() <= cut) {
                events.included++;
                events.lastIncluded = row.globalIndex();
            }
        });
        forEach(dir, SNAPSHOTS, EventRow.class, manifest.part(SNAPSHOTS).entries(),
                (row, line) -> requireSnapshot(row, line));
        forEach(dir, BLOBS, BlobRef.class, manifest.part(BLOBS).entries(), (blob, line) -> {
            if (blob.sha256() == null || !SHA256.matcher(blob.sha256()).matches() || blob.size() < 0) {
                throw new ArchiveException(BLOBS + " line " + line + " is not a valid blob reference");
            }
        });
        long restoreTo = at != null ? events.lastIncluded : cut;
        return new ValidatedArchive(manifest, restoreTo, events.included);
    }

    /** Streams the events with a global index up to {@code upTo}, ascending. */
    public static void forEachEvent(Path dir, long upTo, Consumer<EventRow> consumer) {
        try (PartReader<EventRow> reader = new PartReader<>(dir.resolve(EVENTS), EventRow.class)) {
            EventRow row;
            while ((row = reader.next()) != null && row.globalIndex() <= upTo) {
                consumer.accept(row);
            }
        } catch (IOException e) {
            throw new ArchiveException("cannot read " + EVENTS + ": " + e.getMessage(), e);
        }
    }

    /** Streams the snapshots. */
    public static void forEachSnapshot(Path dir, Consumer<EventRow> consumer) {
        forEach(dir, SNAPSHOTS, EventRow.class, -1, (row, line) -> consumer.accept(row));
    }

    /** Streams the blob manifest, ordered by SHA-256. */
    public static void forEachBlob(Path dir, Consumer<BlobRef> consumer) {
        forEach(dir, BLOBS, BlobRef.class, -1, (row, line) -> consumer.accept(row));
    }

    private interface EntryConsumer<T> {
        void accept(T entry, long line);
    }

    private static final class Counter {
        long lastIndex;
        long lastIncluded;
        long included;
        boolean stopped;
    }

    private static <T> void forEach(Path dir, String name, Class<T> type, long expected, EntryConsumer<T> consumer) {
        try (PartReader<T> reader = new PartReader<>(dir.resolve(name), type)) {
            T entry;
            while ((entry = reader.next()) != null) {
                consumer.accept(entry, reader.lineNumber());
            }
            if (expected >= 0 && reader.lineNumber() != expected) {
                throw new ArchiveException(name + " has " + reader.lineNumber() + " entries, the manifest says "
                        + expected + ": the archive is truncated or altered");
            }
        } catch (NoSuchFileException e) {
            throw new ArchiveException(name + " is missing");
        } catch (IOException e) {
            throw new ArchiveException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static void requireEvent(EventRow row, long line, long position) {
        if (row.globalIndex() == null || row.globalIndex() <= 0) {
            throw new ArchiveException(EVENTS + " line " + line + " has no valid global index");
        }
        if (row.globalIndex() > position) {
            throw new ArchiveException(EVENTS + " line " + line + ": global index " + row.globalIndex()
                    + " is after the backup's position " + position);
        }
        requireColumns(EVENTS, row, line);
    }

    private static void requireSnapshot(EventRow row, long line) {
        if (row.globalIndex() != null) {
            throw new ArchiveException(SNAPSHOTS + " line " + line + " has a global index: not a snapshot");
        }
        requireColumns(SNAPSHOTS, row, line);
    }

    private static void requireColumns(String part, EventRow row, long line) {
        if (row.aggregateIdentifier() == null || row.eventIdentifier() == null || row.payloadType() == null
                || row.payload() == null || row.timeStamp() == null || row.sequenceNumber() < 0) {
            throw new ArchiveException(part + " line " + line + " lacks a required column");
        }
    }

    private static Instant parseTime(String timeStamp, long line) {
        try {
            return Instant.parse(timeStamp);
        } catch (DateTimeParseException e) {
            throw new ArchiveException(EVENTS + " line " + line + " has an invalid time stamp " + timeStamp);
        }
    }

    private static Map<String, String> readSums(Path dir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(SUMS), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ArchiveException(SUMS + " is missing: the backup is incomplete");
        } catch (IOException e) {
            throw new ArchiveException("cannot read " + SUMS + ": " + e.getMessage(), e);
        }
        Map<String, String> sums = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = SUM_LINE.matcher(line);
            if (!m.matches()) {
                throw new ArchiveException(SUMS + " has a malformed line: the archive is altered");
            }
            sums.put(m.group(2), m.group(1));
        }
        for (String name : List.of(EVENTS, SNAPSHOTS, BLOBS, MANIFEST)) {
            if (!sums.containsKey(name)) {
                throw new ArchiveException(SUMS + " lists no checksum for " + name);
            }
        }
        return sums;
    }

    private static Manifest readManifest(Path dir, Map<String, String> sums) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(MANIFEST));
        } catch (NoSuchFileException e) {
            throw new ArchiveException(MANIFEST + " is missing");
        } catch (IOException e) {
            throw new ArchiveException("cannot read " + MANIFEST + ": " + e.getMessage(), e);
        }
        if (bytes.length > 1024 * 1024) {
            throw new ArchiveException(MANIFEST + " is larger than 1 MiB: not a manifest");
        }
        String actual = HexFormat.of().formatHex(ArchiveJson.sha256().digest(bytes));
        if (!actual.equals(sums.get(MANIFEST))) {
            throw new ArchiveException(MANIFEST + " does not match its SHA-256 in " + SUMS + ": the archive is altered");
        }
        try {
            return ArchiveJson.MAPPER.readValue(bytes, Manifest.class);
        } catch (JacksonException e) {
            throw new ArchiveException(MANIFEST + " is malformed: " + e.getOriginalMessage(), e);
        }
    }

    private static void verifyFile(Path file, long bytes, String sha256) {
        String name = file.getFileName().toString();
        try {
            long size = Files.size(file);
            if (size != bytes) {
                throw new ArchiveException(name + " has " + size + " bytes, the manifest says " + bytes + ": the archive is "
                        + (size < bytes ? "truncated" : "altered"));
            }
            MessageDigest digest = ArchiveJson.sha256();
            byte[] buffer = new byte[256 * 1024];
            try (InputStream in = Files.newInputStream(file)) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    digest.update(buffer, 0, n);
                }
            }
            if (!HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
                throw new ArchiveException(name + " does not match its SHA-256: the archive is altered or corrupt");
            }
        } catch (NoSuchFileException e) {
            throw new ArchiveException(name + " is missing");
        } catch (IOException e) {
            throw new ArchiveException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static void writeDurably(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
