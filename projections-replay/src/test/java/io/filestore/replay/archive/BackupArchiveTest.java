package io.filestore.replay.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive format on a real file system: written, read back, and refused when truncated or altered. */
class BackupArchiveTest {

    private static final String ID = "20260321T101500Z-3fa9c1";
    private static final Instant T0 = Instant.parse("2026-03-21T10:00:00Z");

    @TempDir
    Path dir;

    @BeforeEach
    void writeArchive() throws IOException {
        write(dir, ID, 5, List.of(new BlobRef("a".repeat(64), 10, true), new BlobRef("b".repeat(64), 0, false)));
    }

    /** Five events at global indexes 2, 4, 6, 8, 10, one second apart from T0, and one snapshot. */
    static void write(Path dir, String id, int events, List<BlobRef> blobs) throws IOException {
        List<ArchivePart> parts = new ArrayList<>();
        try (PartWriter writer = BackupArchive.createPart(dir, BackupArchive.EVENTS)) {
            for (int i = 1; i <= events; i++) {
                writer.write(event(2L * i, i - 1, T0.plusSeconds(i)));
            }
            parts.add(writer.finish());
        }
        try (PartWriter writer = BackupArchive.createPart(dir, BackupArchive.SNAPSHOTS)) {
            writer.write(new EventRow(null, "file-1", 3, "FileEntry", "snap-1", "io.Snapshot", null,
                    "{}".getBytes(StandardCharsets.UTF_8), null, T0.plusSeconds(4).toString()));
            parts.add(writer.finish());
        }
        try (PartWriter writer = BackupArchive.createPart(dir, BackupArchive.BLOBS)) {
            for (BlobRef blob : blobs) {
                writer.write(blob);
            }
            parts.add(writer.finish());
        }
        BackupArchive.seal(dir, new Manifest(BackupArchive.FORMAT, id, T0.plusSeconds(60), 2L * events, events, 1,
                blobs.size(), blobs.stream().mapToLong(BlobRef::size).sum(), T0.plusSeconds(1).toString(),
                T0.plusSeconds(events).toString(), parts));
    }

    static EventRow event(long index, long seq, Instant at) {
        return new EventRow(index, "file-1", seq, "FileEntry", "event-" + index, "io.SomethingHappened", "1",
                ("{\"n\":" + index + ",\"text\":\"tab\\there\"}").getBytes(StandardCharsets.UTF_8),
                new byte[]{0, 1, 2, (byte) 0xff}, at.toString());
    }

    @Test
    void readsBackWhatWasWrittenByteForByte() {
        ValidatedArchive archive = BackupArchive.validate(dir, ID, null, null);

        assertThat(archive.restorePosition()).isEqualTo(10);
        assertThat(archive.eventsToRestore()).isEqualTo(5);
        assertThat(archive.manifest().blobs()).isEqualTo(2);
        List<EventRow> events = new ArrayList<>();
        BackupArchive.forEachEvent(dir, Long.MAX_VALUE, events::add);
        assertThat(events).hasSize(5);
        EventRow third = events.get(2);
        EventRow expected = event(6, 2, T0.plusSeconds(3));
        assertThat(third.payload()).isEqualTo(expected.payload());
        assertThat(third.metaData()).isEqualTo(expected.metaData());
        assertThat(third).usingRecursiveComparison().ignoringFields("payload", "metaData").isEqualTo(expected);
        List<BlobRef> blobs = new ArrayList<>();
        BackupArchive.forEachBlob(dir, blobs::add);
        assertThat(blobs).containsExactly(new BlobRef("a".repeat(64), 10, true), new BlobRef("b".repeat(64), 0, false));
        List<EventRow> snapshots = new ArrayList<>();
        BackupArchive.forEachSnapshot(dir, snapshots::add);
        assertThat(snapshots).extracting(EventRow::eventIdentifier).containsExactly("snap-1");
    }

    @Test
    void isPlainGzippedJsonLinesWithAChecksumFileSha256sumCanCheck() throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(BackupArchive.EVENTS)))) {
            String first = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
            assertThat(first).startsWith("{\"globalIndex\":2,\"aggregateIdentifier\":\"file-1\"");
        }
        assertThat(Files.readAllLines(dir.resolve(BackupArchive.SUMS)))
                .hasSize(4)
                .allMatch(line -> line.matches("[0-9a-f]{64}  [a-z.]+"));
    }

    @Nested
    class PointInTime {

        @Test
        void anInstantRestoresTheEventsUpToTheFirstOneRecordedAfterIt() {
            ValidatedArchive archive = BackupArchive.validate(dir, ID, T0.plusSeconds(3).plusMillis(500), null);

            assertThat(archive.restorePosition()).isEqualTo(6);
            assertThat(archive.eventsToRestore()).isEqualTo(3);
        }

        @Test
        void anInstantBeforeTheFirstEventRestoresNothing() {
            assertThat(BackupArchive.validate(dir, ID, T0, null).restorePosition()).isZero();
        }

        @Test
        void aPositionRestoresTheEventsUpToIt() {
            ValidatedArchive archive = BackupArchive.validate(dir, ID, null, 7L);

            assertThat(archive.restorePosition()).isEqualTo(7);
            assertThat(archive.eventsToRestore()).isEqualTo(3);
            List<Long> loaded = new ArrayList<>();
            BackupArchive.forEachEvent(dir, 7, row -> loaded.add(row.globalIndex()));
            assertThat(loaded).containsExactly(2L, 4L, 6L);
        }

        @Test
        void refusesAPositionAfterTheBackup() {
            assertThatThrownBy(() -> BackupArchive.validate(dir, ID, null, 11L))
                    .isInstanceOf(ArchiveException.class).hasMessageContaining("after the backup's position 10");
        }
    }

    @Nested
    class Damage {

        @Test
        void aTruncatedPartIsNamedAsTruncated() throws IOException {
            truncate(dir.resolve(BackupArchive.EVENTS), 20);

            assertThatThrownBy(() -> BackupArchive.validate(dir, ID, null, null))
                    .isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("events.jsonl.gz has")
                    .hasMessageContaining("the archive is truncated");
        }

        @Test
        void anAlteredByteIsCaughtByTheChecksum() throws IOException {
            flipByte(dir.resolve(BackupArchive.BLOBS));

            assertThatThrownBy(() -> BackupArchive.validate(dir, ID, null, null))
                    .isInstanceOf(ArchiveException.class)
                    .hasMessage("blobs.jsonl.gz does not match its SHA-256: the archive is altered or corrupt");
        }

        @Test
        void anAlteredManifestIsCaught() throws IOException {
            Path manifest = dir.resolve(BackupArchive.MANIFEST);
            Files.writeString(manifest, Files.readString(manifest).replace("\"position\" : 10", "\"position\" : 99"));

            assertThatThrownBy(() -> BackupArchive.validate(dir, ID, null, null))
                    .isInstanceOf(ArchiveException.class)
                    .hasMessageContaining("manifest.json does not match its SHA-256 in SHA256SUMS");
        }

        @Test
        void anArchiveWithoutItsChecksumFileIsIncomplete() throws IOException {
            Files.delete(dir.resolve(BackupArchive.SUMS));

            assertThatThrownBy(() -> BackupArchive.validate(dir, ID, null, null))
                    .isInstanceOf(ArchiveException.class)
                    .hasMessage("SHA256SUMS is missing: the backup is incomplete");
        }

        @Test
        void anotherBackupsManifestIsRefused() {
            assertThatThrownBy(() -> BackupArchive.validate(dir, "20260321T101500Z-000000", null, null))
                    .isInstanceOf(ArchiveException.class).hasMessageContaining("belongs to backup " + ID);
        }

        @Test
        void aConsistentlyResealedArchiveWithALostEventStillFailsItsCount(@TempDir Path other) throws IOException {
            write(other, ID, 5, List.of());
            // rewrite the events part with four events and seal again, keeping the manifest's count of five
            Files.delete(other.resolve(BackupArchive.EVENTS));
            Manifest manifest = BackupArchive.manifest(other);
            ArchivePart events;
            try (PartWriter writer = BackupArchive.createPart(other, BackupArchive.EVENTS)) {
                for (int i = 1; i <= 4; i++) {
                    writer.write(event(2L * i, i - 1, T0.plusSeconds(i)));
                }
                events = writer.finish();
            }
            ArchivePart forged = new ArchivePart(events.name(), events.bytes(), events.sha256(), 5);
            BackupArchive.seal(other, new Manifest(manifest.format(), manifest.backupId(), manifest.createdAt(),
                    manifest.position(), manifest.events(), manifest.snapshots(), manifest.blobs(),
                    manifest.blobBytes(), manifest.firstEventAt(), manifest.lastEventAt(),
                    List.of(forged, manifest.part(BackupArchive.SNAPSHOTS), manifest.part(BackupArchive.BLOBS))));

            assertThatThrownBy(() -> BackupArchive.validate(other, ID, null, null))
                    .isInstanceOf(ArchiveException.class)
                    .hasMessage("events.jsonl.gz has 4 entries, the manifest says 5: the archive is truncated or altered");
        }

        @Test
        void aMalformedLineIsNamed(@TempDir Path other) throws IOException {
            write(other, ID, 2, List.of());
            Path events = other.resolve(BackupArchive.EVENTS);
            Files.delete(events);
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(events))) {
                out.write("{\"globalIndex\":2,\"aggregateIdentifier\":\"a\",\"sequenceNumber\":0}\nnot json\n"
                        .getBytes(StandardCharsets.UTF_8));
            }
            // a forger who also rewrote the checksums: the content checks still refuse it
            resealAround(other, events);

            assertThatThrownBy(() -> BackupArchive.validate(other, ID, null, null))
                    .isInstanceOf(ArchiveException.class)
                    .hasMessage("events.jsonl.gz line 1 lacks a required column");
        }
    }

    private static void resealAround(Path dir, Path events) throws IOException {
        Manifest manifest = BackupArchive.manifest(dir);
        byte[] bytes = Files.readAllBytes(events);
        String sha = java.util.HexFormat.of().formatHex(ArchiveJson.sha256().digest(bytes));
        ArchivePart part = new ArchivePart(BackupArchive.EVENTS, bytes.length, sha, manifest.events());
        BackupArchive.seal(dir, new Manifest(manifest.format(), manifest.backupId(), manifest.createdAt(),
                manifest.position(), manifest.events(), manifest.snapshots(), manifest.blobs(), manifest.blobBytes(),
                manifest.firstEventAt(), manifest.lastEventAt(),
                List.of(part, manifest.part(BackupArchive.SNAPSHOTS), manifest.part(BackupArchive.BLOBS))));
    }

    private static void truncate(Path file, long by) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - by);
        }
    }

    private static void flipByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long middle = f.length() / 2;
            f.seek(middle);
            int b = f.read();
            f.seek(middle);
            f.write(b ^ 0x01);
        }
    }
}
