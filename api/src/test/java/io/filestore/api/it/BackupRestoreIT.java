package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Backup and restore end to end, on an application of its own (its own database, data directory and index
 * prefix, aggregate snapshots every 10 events): a realistic history is backed up, the event store, the views, the
 * search indices and a storage node are destroyed, the backup is restored, and every answer of the API is compared
 * with the one given before. Point-in-time restores, damaged archives, a backup under concurrent writes and a
 * projection rebuild while serving are checked on the same application.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupRestoreIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private String databaseUrl;
    private String indexPrefix;
    private RunningApp app;
    private Api admin;

    @BeforeAll
    void startApplication() {
        databaseUrl = TestServices.databaseUrl("restore_it");
        indexPrefix = io.filestore.testsupport.TestServicesSource.services().indexPrefix() + "-restore";
        TestServices.recreateDatabase(databaseUrl);
        TestServices.deleteIndices(indexPrefix);
        app = RunningApp.dedicated("restore", Map.of(
                "FILESTORE_DB_URL", databaseUrl,
                "FILESTORE_ELASTICSEARCH_INDEX_PREFIX", indexPrefix,
                "FILESTORE_SNAPSHOT_THRESHOLD", "10",
                // trashed files stay in the trash for the whole test: the answers before and after a restore are
                // compared, and a purge by retention between them is a difference
                "FILESTORE_TRASH_RETENTION", "1h"));
        admin = new Api(app, RunningApp.ADMIN);
    }

    @AfterAll
    void stopApplication() throws InterruptedException {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    @Order(99)
    void deletingABackupRemovesItAndOnlyTheBlobCopiesNoOtherBackupReferences() throws Exception {
        Api frank = new Api(app, "frank-" + suffix());
        String older = frank.upload("older.txt", ("older " + suffix()).getBytes(StandardCharsets.UTF_8));
        awaitCaughtUp();
        String first = awaitBackup(startBackup()).get("id").asString();
        byte[] newerContent = ("newer " + suffix()).getBytes(StandardCharsets.UTF_8);
        String newer = frank.upload("newer.txt", newerContent);
        awaitCaughtUp();
        String second = awaitBackup(startBackup()).get("id").asString();
        Path olderCopy = backupCopy(frank, older);
        Path newerCopy = backupCopy(frank, newer);
        assertThat(olderCopy).exists();
        assertThat(newerCopy).exists();
        // the store encrypts (the default): the backup holds the ciphertext, not the content
        assertThat(Files.size(newerCopy)).isGreaterThan(newerContent.length);
        assertThat(new String(Files.readAllBytes(newerCopy), StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(newerContent, StandardCharsets.ISO_8859_1));

        assertThat(frank.delete("/api/backup/" + second).statusCode()).isEqualTo(403);
        HttpResponse<String> deleted = admin.delete("/api/backup/" + second);

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(data(deleted).get("id").asString()).isEqualTo(second);
        assertThat(data(deleted).get("blobsDeleted").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(data(deleted).get("bytesFreed").asLong()).isGreaterThanOrEqualTo(newerContent.length);
        assertThat(newerCopy).doesNotExist(); // only the deleted backup referenced it
        assertThat(olderCopy).exists(); // the first backup still does
        assertThat(admin.get("/api/backup/" + second).statusCode()).isEqualTo(404);
        assertThat(admin.get("/api/backup").body()).doesNotContain(second).contains(first);
        assertThat(data(admin.get("/api/backup/" + first)).get("state").asString()).isEqualTo("COMPLETED");
        assertThat(admin.delete("/api/backup/" + second).statusCode()).isEqualTo(404);
    }

    private Path backupCopy(Api user, String file) {
        String sha = data(user.get("/api/files/" + file)).get("checksum").asString().substring("sha256:".length());
        return app.dataDir.resolve("backups").resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4))
                .resolve(sha);
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void restoresEveryAnswerAfterLosingTheStoreTheViewsTheIndexAndAStorageNode() throws Exception {
        History history = new History();
        history.build();
        String snapshotted = history.longLived;
        awaitCaughtUp();

        // a file with more events than the snapshot threshold has a snapshot, and still behaves when loaded from it
        awaitTrue(() -> TestServices.queryLong(databaseUrl, "SELECT count(*) FROM snapshot_event_entry "
                + "WHERE aggregate_identifier = '" + snapshotted + "'") > 0, "a snapshot of " + snapshotted);
        HttpResponse<String> afterSnapshot = history.alice.postJson("/api/files/" + snapshotted + "/metadata",
                "{\"description\":\"edited after the snapshot\"}");
        assertThat(afterSnapshot.statusCode()).as(afterSnapshot.body()).isEqualTo(200);
        assertThat(data(afterSnapshot).get("metadata").get("description").asString())
                .isEqualTo("edited after the snapshot");
        assertThat(data(afterSnapshot).get("metadata").get("tags").toString()).isEqualTo("[\"t12\"]");
        awaitCaughtUp();

        Map<String, JsonNode> before = history.answers();

        JsonNode backup = awaitBackup(startBackup());
        assertThat(backup.get("state").asString()).isEqualTo("COMPLETED");
        // the views as the backup holds them: with the audit trail's record of the backup itself
        awaitCaughtUp();
        JsonNode digestsBefore = data(admin.get("/api/admin/projections/digest"));
        long events = TestServices.queryLong(databaseUrl, "SELECT count(*) FROM domain_event_entry");
        assertThat(backup.get("events").get("done").asLong()).isEqualTo(events);
        assertThat(backup.get("position").asLong())
                .isEqualTo(TestServices.queryLong(databaseUrl, "SELECT max(global_index) FROM domain_event_entry"));
        assertThat(backup.get("snapshots").asLong()).isPositive();
        assertThat(backup.get("blobs").get("missing").asLong()).isZero();
        assertThat(backup.get("blobs").get("copied").asLong()).isPositive();
        Path archive = app.dataDir.resolve("backups").resolve(backup.get("id").asString());
        assertThat(archive.resolve("SHA256SUMS")).exists();
        assertThat(archive.resolve("manifest.json")).exists();

        // blobs are copied once: a second backup finds them all in the backup location
        JsonNode second = awaitBackup(startBackup());
        assertThat(second.get("blobs").get("copied").asLong()).isZero();
        assertThat(second.get("blobs").get("alreadyInBackup").asLong())
                .isEqualTo(second.get("blobs").get("referenced").asLong() - second.get("blobs").get("notNeeded").asLong());
        assertThat(data(admin.get("/api/backup")).get("backups")).hasSizeGreaterThanOrEqualTo(2);

        Map<String, String> downloads = history.downloads();
        String lostBlob = history.lostBlob();

        // disaster: the service stops; the database (event store and views), the search indices, one storage node
        // and every replica of one blob are gone; a new empty database and an empty disk replace them
        app.stop();
        TestServices.recreateDatabase(databaseUrl);
        TestServices.deleteIndices(indexPrefix);
        RunningApp.deleteTree(app.nodes().get(0));
        for (Path node : app.nodes()) {
            Files.deleteIfExists(node.resolve("blobs").resolve(lostBlob.substring(0, 2))
                    .resolve(lostBlob.substring(2, 4)).resolve(lostBlob));
        }
        app.startAgain();
        assertThat(history.alice.listTotal()).isZero();

        JsonNode restore = awaitRestore(startRestore("{\"backupId\":\"" + backup.get("id").asString() + "\"}"));

        assertThat(restore.get("state").asString()).as(restore.toString()).isEqualTo("COMPLETED");
        assertThat(restore.get("events").get("done").asLong()).isEqualTo(events);
        assertThat(restore.get("blobs").get("restoredFromBackup").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(restore.get("blobs").get("missing").asLong()).isZero();
        assertThat(restore.get("digests")).isEqualTo(digestsBefore);
        assertThat(history.answers()).isEqualTo(before);
        assertThat(history.downloads()).isEqualTo(downloads);
        // the link's download count came back with the events: one download is left, then the link is used up
        assertThat(history.linkDownload()).isEqualTo(200);
        assertThat(history.linkDownload()).isEqualTo(410);
        try (Stream<Path> replicas = Files.walk(app.nodes().get(0))) {
            assertThat(replicas.filter(Files::isRegularFile).count()).as("replicas re-created on the new disk")
                    .isPositive();
        }
        // the audit trail names the backup (recorded before it read the store, so it is in it) and the restore
        // (recorded in the restored store when it completed)
        String backupTarget = "backup:" + backup.get("id").asString();
        JsonNode started = awaitAuditEntry("type=backup-start&target=" + backupTarget);
        assertThat(started.get("actor").asString()).isEqualTo(RunningApp.ADMIN);
        assertThat(started.get("clientAddress").asString()).isEqualTo("127.0.0.1");
        JsonNode restored = awaitAuditEntry("type=store-restore&target=" + backupTarget);
        assertThat(restored.get("actor").asString()).isEqualTo(RunningApp.ADMIN);
        assertThat(restored.get("clientAddress").asString()).isEqualTo("127.0.0.1");
        assertThat(restored.get("details").get("restoreId").asString()).isEqualTo(restore.get("id").asString());
        assertThat(restored.get("details").get("position").asLong()).isEqualTo(restore.get("position").asLong());
        // the restored store takes new changes
        HttpResponse<String> change = history.bob.postJson("/api/files/" + history.bobsFile + "/metadata",
                "{\"description\":\"after the restore\"}");
        assertThat(change.statusCode()).as(change.body()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void pointInTimeRestoresMatchTheStateAtThatInstantOrPosition() throws Exception {
        Api dora = new Api(app, "dora-" + suffix());
        String report = dora.upload("report.txt", "first draft".getBytes(StandardCharsets.UTF_8));
        String notes = dora.upload("notes.txt", "notes".getBytes(StandardCharsets.UTF_8));
        ok(dora.postJson("/api/files/" + report + "/metadata", "{\"tags\":[\"draft\"]}"));
        awaitCaughtUp();
        Map<String, JsonNode> then = answers(dora, List.of(report, notes));
        JsonNode digestsThen = data(admin.get("/api/admin/projections/digest"));
        long positionThen = TestServices.queryLong(databaseUrl, "SELECT max(global_index) FROM domain_event_entry");
        Thread.sleep(20);
        Instant instant = Instant.now();
        Thread.sleep(20);

        ok(replaceContent(dora, report, "second draft"));
        ok(dora.postJson("/api/files/" + report + "/metadata", "{\"tags\":[\"final\"],\"name\":\"report-final.txt\"}"));
        ok(dora.delete("/api/files/" + notes));
        String later = dora.upload("later.txt", "later".getBytes(StandardCharsets.UTF_8));
        awaitCaughtUp();
        Map<String, JsonNode> now = answers(dora, List.of(report, notes, later));
        assertThat(now).isNotEqualTo(then);
        JsonNode backup = awaitBackup(startBackup());
        String id = backup.get("id").asString();

        // the store is not empty: a restore must be asked to replace it
        HttpResponse<String> refused = admin.postJson("/api/backup/restore", "{\"backupId\":\"" + id + "\"}");
        assertThat(refused.statusCode()).isEqualTo(409);

        JsonNode atInstant = awaitRestore(startRestore("{\"backupId\":\"" + id + "\",\"pointInTime\":\"" + instant
                + "\",\"replace\":true}"));
        assertThat(atInstant.get("state").asString()).as(atInstant.toString()).isEqualTo("COMPLETED");
        assertThat(atInstant.get("position").asLong()).isEqualTo(positionThen);
        assertThat(atInstant.get("movedAsideTo").asString()).startsWith("store_before_");
        assertThat(answers(dora, List.of(report, notes))).isEqualTo(then);
        assertThat(dora.get("/api/files/" + later).statusCode()).isEqualTo(404);
        assertThat(atInstant.get("digests")).isEqualTo(digestsThen);

        JsonNode atPosition = awaitRestore(startRestore("{\"backupId\":\"" + id + "\",\"position\":" + positionThen
                + ",\"replace\":true}"));
        assertThat(atPosition.get("state").asString()).isEqualTo("COMPLETED");
        assertThat(answers(dora, List.of(report, notes))).isEqualTo(then);

        JsonNode whole = awaitRestore(startRestore("{\"backupId\":\"" + id + "\",\"replace\":true}"));
        assertThat(whole.get("state").asString()).isEqualTo("COMPLETED");
        assertThat(answers(dora, List.of(report, notes, later))).isEqualTo(now);
        // the replaced stores are kept aside, whole: every event the position restore loaded, plus whatever was
        // appended after it (downloads are recorded asynchronously, so their number depends on timing)
        String aside = whole.get("movedAsideTo").asString();
        assertThat(TestServices.queryLong(databaseUrl, "SELECT count(*) FROM " + aside + ".domain_event_entry"
                + " WHERE global_index <= " + positionThen))
                .isEqualTo(atPosition.get("events").get("done").asLong());
        assertThat(TestServices.queryLong(databaseUrl, "SELECT count(*) FROM " + aside + ".domain_event_entry"))
                .isGreaterThanOrEqualTo(atPosition.get("events").get("done").asLong());
    }

    @Test
    @Order(3)
    void aTruncatedOrAlteredArchiveFailsClearlyAndLeavesTheDataUntouched() throws Exception {
        Api erin = new Api(app, "erin-" + suffix());
        String file = erin.upload("keep.txt", "keep me".getBytes(StandardCharsets.UTF_8));
        awaitCaughtUp();
        JsonNode backup = awaitBackup(startBackup());
        Path original = app.dataDir.resolve("backups").resolve(backup.get("id").asString());
        Map<String, JsonNode> before = answers(erin, List.of(file));
        long events = TestServices.queryLong(databaseUrl, "SELECT count(*) FROM domain_event_entry");
        long schemas = TestServices.queryLong(databaseUrl,
                "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'store_before_%'");

        String truncated = copyOf(original, "20200101T000000Z-00000a", events1 -> {
            try (RandomAccessFile f = new RandomAccessFile(events1.toFile(), "rw")) {
                f.setLength(f.length() / 2);
            }
        });
        JsonNode failed = awaitRestore(startRestore("{\"backupId\":\"" + truncated + "\",\"replace\":true}"));
        assertThat(failed.get("state").asString()).isEqualTo("FAILED");
        assertThat(failed.get("phase").asString()).isEqualTo("VALIDATING");
        assertThat(failed.get("error").asString()).contains("events.jsonl.gz").contains("truncated");

        String altered = copyOf(original, "20200101T000000Z-00000b", events1 -> {
            try (RandomAccessFile f = new RandomAccessFile(events1.toFile(), "rw")) {
                long middle = f.length() / 2;
                f.seek(middle);
                int b = f.read();
                f.seek(middle);
                f.write(b ^ 0x5a);
            }
        });
        failed = awaitRestore(startRestore("{\"backupId\":\"" + altered + "\",\"replace\":true}"));
        assertThat(failed.get("state").asString()).isEqualTo("FAILED");
        assertThat(failed.get("error").asString()).contains("events.jsonl.gz").contains("does not match its SHA-256");

        String forgedManifest = copyOf(original, "20200101T000000Z-00000c", events1 -> { });
        Path manifest = app.dataDir.resolve("backups").resolve(forgedManifest).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"position\" : \\d+", "\"position\" : 1"));
        failed = awaitRestore(startRestore("{\"backupId\":\"" + forgedManifest + "\",\"replace\":true}"));
        assertThat(failed.get("state").asString()).isEqualTo("FAILED");
        assertThat(failed.get("error").asString()).contains("manifest.json").contains("altered");

        assertThat(answers(erin, List.of(file))).isEqualTo(before);
        assertThat(TestServices.queryLong(databaseUrl, "SELECT count(*) FROM domain_event_entry")).isEqualTo(events);
        assertThat(TestServices.queryLong(databaseUrl,
                "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'store_before_%'")).isEqualTo(schemas);
        ok(erin.postJson("/api/files/" + file + "/metadata", "{\"description\":\"still writable\"}"));
    }

    @Test
    @Order(4)
    void aBackupTakenDuringWritesHoldsEveryEventUpToItsPosition() throws Exception {
        Api frank = new Api(app, "frank-" + suffix());
        List<String> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            files.add(frank.upload("w" + i + ".txt", ("w" + i).getBytes(StandardCharsets.UTF_8)));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(files.size() * 2);
        List<Future<Integer>> written = new ArrayList<>();
        for (String file : files) {
            written.add(writers.submit(() -> {
                int n = 0;
                while (writing.get()) {
                    frank.postJson("/api/files/" + file + "/metadata", "{\"description\":\"write " + n++ + "\"}");
                }
                return n;
            }));
            written.add(writers.submit(() -> {
                int n = 0;
                while (writing.get()) {
                    frank.sendBytes(frank.request("/api/files/" + file + "/download").GET().build());
                    n++;
                }
                return n;
            }));
        }
        Thread.sleep(500);
        JsonNode backup = awaitBackup(startBackup());
        Thread.sleep(500);
        writing.set(false);
        for (Future<Integer> w : written) {
            assertThat(w.get(30, TimeUnit.SECONDS)).isPositive();
        }
        writers.shutdown();
        awaitCaughtUp();
        long position = backup.get("position").asLong();
        assertThat(TestServices.queryLong(databaseUrl, "SELECT max(global_index) FROM domain_event_entry"))
                .as("writes continued after the backup's position").isGreaterThan(position);

        JsonNode restore = awaitRestore(startRestore("{\"backupId\":\"" + backup.get("id").asString()
                + "\",\"replace\":true}"));
        assertThat(restore.get("state").asString()).isEqualTo("COMPLETED");
        String aside = restore.get("movedAsideTo").asString();
        assertThat(TestServices.queryLong(databaseUrl, "SELECT count(*) FROM " + aside + ".domain_event_entry a "
                + "WHERE a.global_index <= " + position + " AND NOT EXISTS (SELECT 1 FROM domain_event_entry b "
                + "WHERE b.event_identifier = a.event_identifier AND b.global_index = a.global_index)"))
                .as("events up to the position missing from the backup").isZero();
        assertThat(TestServices.queryLong(databaseUrl, "SELECT count(*) FROM domain_event_entry WHERE global_index <= "
                + position))
                .isEqualTo(backup.get("events").get("done").asLong())
                .isEqualTo(TestServices.queryLong(databaseUrl, "SELECT count(*) FROM " + aside
                        + ".domain_event_entry WHERE global_index <= " + position));
    }

    @Test
    @Order(5)
    void rebuildsOneProjectionWhileTheServiceKeepsServing() throws Exception {
        Api gina = new Api(app, "gina-" + suffix());
        String file = gina.upload("g.txt", "g".getBytes(StandardCharsets.UTF_8));
        ok(gina.postJson("/api/files/" + file + "/metadata", "{\"tags\":[\"x\"]}"));
        awaitCaughtUp();
        JsonNode digests = data(admin.get("/api/admin/projections/digest"));
        Map<String, JsonNode> before = answers(gina, List.of(file));

        HttpResponse<String> started = admin.post("/api/admin/projections/audit/rebuild");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String rebuild = data(started).get("id").asString();
        assertThat(gina.get("/api/files/" + file).statusCode()).isEqualTo(200);
        JsonNode done = awaitUntil(() -> {
            for (JsonNode r : data(admin.get("/api/admin/projections")).get("rebuilds")) {
                if (r.get("id").asString().equals(rebuild) && !r.get("state").asString().equals("RUNNING")) {
                    return r;
                }
            }
            return null;
        }, "rebuild " + rebuild);
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.get("digest").asString()).isEqualTo(digests.get("audit").asString());
        assertThat(answers(gina, List.of(file))).isEqualTo(before);

        assertThat(admin.post("/api/admin/projections/no-such-projection/rebuild").statusCode()).isEqualTo(404);
        assertThat(gina.post("/api/admin/projections/audit/rebuild").statusCode()).isEqualTo(403);
    }

    @Test
    @Order(6)
    void backupAndRestoreAreForAdministratorsAndCheckTheirInput() {
        Api user = new Api(app, "henry-" + suffix());
        assertThat(user.post("/api/backup/start").statusCode()).isEqualTo(403);
        assertThat(user.get("/api/backup/status").statusCode()).isEqualTo(403);
        assertThat(user.get("/api/backup").statusCode()).isEqualTo(403);
        assertThat(user.get("/api/admin/projections").statusCode()).isEqualTo(403);
        HttpResponse<String> restore = user.postJson("/api/backup/restore", "{\"backupId\":\"x\"}");
        assertThat(restore.statusCode()).isEqualTo(403);
        HttpResponse<String> anonymous = Api.HTTP.sendAsync(HttpRequest.newBuilder(app.uri("/api/backup/status"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).join();
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<String> badId = admin.postJson("/api/backup/restore", "{\"backupId\":\"../../etc\"}");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(json(badId).get("parameter").asString()).isEqualTo("backupId");
        assertThat(admin.postJson("/api/backup/restore", "{\"backupId\":\"20200101T000000Z-ffffff\"}").statusCode())
                .isEqualTo(404);
        assertThat(admin.get("/api/backup/20200101T000000Z-ffffff").statusCode()).isEqualTo(404);
        String completed = data(admin.get("/api/backup")).get("backups").get(0).get("id").asString();
        HttpResponse<String> both = admin.postJson("/api/backup/restore", "{\"backupId\":\"" + completed
                + "\",\"position\":1,\"pointInTime\":\"2020-01-01T00:00:00Z\",\"replace\":true}");
        assertThat(both.statusCode()).isEqualTo(400);
        HttpResponse<String> badInstant = admin.postJson("/api/backup/restore", "{\"backupId\":\"" + completed
                + "\",\"pointInTime\":\"yesterday\",\"replace\":true}");
        assertThat(badInstant.statusCode()).isEqualTo(400);
        assertThat(json(badInstant).get("parameter").asString()).isEqualTo("pointInTime");
        JsonNode status = data(admin.get("/api/backup/status"));
        assertThat(status.get("backups").size()).isPositive();
        assertThat(status.get("restores").size()).isPositive();
        assertThat(status.get("projections").size()).isGreaterThanOrEqualTo(2);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** A realistic history across three users, with what is needed to compare answers before and after. */
    private final class History {

        final Api alice = new Api(app, "alice-" + suffix());
        final Api bob = new Api(app, "bob-" + suffix());
        final Api carol = new Api(app, "carol-" + suffix());
        final Map<String, Api> owners = new LinkedHashMap<>();
        String longLived;
        String bobsFile;
        /** A public link on alice's report that allows two downloads, one of them used before the backup. */
        String linkToken;
        private String binary;

        void build() throws Exception {
            String report = upload(alice, "report.txt", "report v1", "{\"description\":\"quarterly\",\"tags\":[\"q1\"],"
                    + "\"folder\":\"/reports\"}");
            byte[] random = new byte[300_000];
            new Random(7).nextBytes(random);
            binary = upload(alice, "data.bin", random, null);
            longLived = upload(alice, "log.txt", "log", null);
            bobsFile = upload(bob, "plan.md", "# plan", "{\"attributes\":{\"team\":\"core\"}}");
            String draft = upload(bob, "draft.md", "draft", null);
            String copy = upload(carol, "report-copy.txt", "report v1", null); // same bytes as alice's: one blob
            String gone = upload(carol, "tmp.txt", "temporary", null);

            ok(replaceContent(alice, report, "report v2"));
            ok(replaceContent(alice, report, "report v3"));
            ok(alice.post("/api/files/" + report + "/versions/1/restore"));
            ok(replaceContent(bob, bobsFile, "# plan v2"));
            ok(alice.postJson("/api/files/" + binary + "/metadata", "{\"name\":\"dataset.bin\",\"tags\":[\"raw\"]}"));
            ok(bob.postJson("/api/files/" + bobsFile + "/metadata",
                    "{\"attributes\":{\"team\":\"platform\",\"owner\":\"bob\"}}"));
            ok(carol.postJson("/api/files/" + copy + "/metadata", "{\"folder\":\"/archive\"}"));
            for (int i = 1; i <= 12; i++) {
                ok(alice.postJson("/api/files/" + longLived + "/metadata", "{\"tags\":[\"t" + i + "\"]}"));
            }
            ok(bob.delete("/api/files/" + draft));
            ok(bob.delete("/api/files/" + bobsFile));
            ok(bob.post("/api/trash/" + bobsFile + "/restore"));
            ok(carol.delete("/api/files/" + gone));
            ok(carol.delete("/api/trash/" + gone));

            assertThat(alice.sendBytes(alice.request("/api/files/" + report + "/download").GET().build())
                    .statusCode()).isEqualTo(200);
            assertThat(alice.sendBytes(alice.request("/api/files/" + binary + "/download")
                    .header("Range", "bytes=0-99").GET().build()).statusCode()).isEqualTo(206);
            assertThat(bob.sendBytes(bob.request("/api/files/" + bobsFile + "/download?version=1").GET().build())
                    .statusCode()).isEqualTo(200);
            awaitTrue(() -> countActions(alice, report, "download") == 1 && countActions(alice, binary, "download") == 1
                    && countActions(bob, bobsFile, "download") == 1, "the downloads in the audit trail");

            HttpResponse<String> link = alice.postJson("/api/files/" + report + "/share",
                    "{\"public\":true,\"maxDownloads\":2}");
            assertThat(link.statusCode()).as(link.body()).isEqualTo(201);
            linkToken = data(link).get("token").asString();
            assertThat(linkDownload()).isEqualTo(200);
            // the access recorder appends the link download's event in the background: wait for it, so that the
            // answers taken next include it
            awaitTrue(() -> countActions(alice, report, "link-download") == 1, "the link download in the audit trail");
        }

        /** Downloads alice's report through the public link (anonymously): the status. */
        int linkDownload() {
            return alice.sendBytes(HttpRequest.newBuilder(app.uri("/s/" + linkToken + "/download")).GET().build())
                    .statusCode();
        }

        private String upload(Api user, String name, String content, String metadata) {
            return upload(user, name, content.getBytes(StandardCharsets.UTF_8), metadata);
        }

        private String upload(Api user, String name, byte[] content, String metadata) {
            HttpResponse<String> response = user.uploadMultipart(name, "application/octet-stream", content, metadata);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            String id = data(response).get("fileId").asString();
            owners.put(id, user);
            return id;
        }

        /** The checksum of a blob that only alice's data file references. */
        String lostBlob() {
            return data(alice.get("/api/files/" + binary)).get("checksum").asString().substring("sha256:".length());
        }

        Map<String, JsonNode> answers() {
            Map<String, JsonNode> answers = new LinkedHashMap<>();
            for (Api user : List.of(alice, bob, carol)) {
                answers.putAll(BackupRestoreIT.this.answers(user, owners.entrySet().stream()
                        .filter(e -> e.getValue() == user).map(Map.Entry::getKey).toList()));
                answers.put("audit by " + user.user, answer(admin.get("/api/audit?limit=100&actor=" + user.user)));
            }
            return answers;
        }

        /** Downloads every version of every live file: (file, version) to the SHA-256 of the bytes received. */
        Map<String, String> downloads() throws Exception {
            Map<String, String> downloads = new LinkedHashMap<>();
            for (Map.Entry<String, Api> entry : owners.entrySet()) {
                HttpResponse<String> versions = entry.getValue().get("/api/files/" + entry.getKey() + "/versions");
                if (versions.statusCode() != 200) {
                    continue;
                }
                for (JsonNode version : data(versions).get("versions")) {
                    int n = version.get("version").asInt();
                    HttpResponse<byte[]> bytes = entry.getValue().sendBytes(entry.getValue()
                            .request("/api/files/" + entry.getKey() + "/download?version=" + n).GET().build());
                    assertThat(bytes.statusCode()).isEqualTo(200);
                    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.body()));
                    assertThat("sha256:" + sha).isEqualTo(version.get("checksum").asString());
                    downloads.put(entry.getKey() + " v" + n, sha);
                }
            }
            assertThat(downloads).hasSizeGreaterThan(8);
            return downloads;
        }
    }

    /** What the API answers {@code user} about its files: listings, trash, each file, versions, metadata, history. */
    private Map<String, JsonNode> answers(Api user, List<String> files) {
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        answers.put(user.user + " files", answer(user.get("/api/files?limit=100")));
        answers.put(user.user + " trash", answer(user.get("/api/trash?limit=100")));
        for (String file : files) {
            for (String path : List.of("", "/versions", "/metadata", "/history?limit=100", "/shares")) {
                answers.put(user.user + " " + file + path, answer(user.get("/api/files/" + file + path)));
            }
        }
        return answers;
    }

    private static JsonNode answer(HttpResponse<String> response) {
        ObjectNode answer = Api.JSON.createObjectNode();
        answer.put("status", response.statusCode());
        JsonNode body = json(response);
        answer.set("body", body.has("data") ? body.get("data") : body);
        return answer;
    }

    private long countActions(Api user, String file, String action) {
        HttpResponse<String> history = user.get("/api/files/" + file + "/history?limit=100");
        if (history.statusCode() != 200) {
            return -1;
        }
        long n = 0;
        for (JsonNode entry : data(history).get("entries")) {
            if (entry.get("action").asString().equals(action)) {
                n++;
            }
        }
        return n;
    }

    private static HttpResponse<String> replaceContent(Api user, String file, String content) {
        return user.send(user.request("/api/files/" + file).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(content)).build());
    }

    private static void ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.request().method() + " " + response.request().uri() + ": "
                + response.body()).isBetween(200, 299);
    }

    private String startBackup() {
        HttpResponse<String> started = admin.post("/api/backup/start");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return data(started).get("id").asString();
    }

    /** The newest audit entry matching {@code filter}, once there is one. */
    private JsonNode awaitAuditEntry(String filter) {
        return awaitUntil(() -> {
            JsonNode entries = data(admin.get("/api/audit?limit=1&" + filter)).get("entries");
            return entries.isEmpty() ? null : entries.get(0);
        }, "an audit entry with " + filter);
    }

    private JsonNode awaitBackup(String id) {
        return awaitUntil(() -> {
            JsonNode backup = data(admin.get("/api/backup/" + id));
            return backup.get("state").asString().equals("RUNNING") ? null : backup;
        }, "backup " + id);
    }

    private String startRestore(String body) {
        HttpResponse<String> started = admin.postJson("/api/backup/restore", body);
        // the blob garbage collection (every 3 s in the tests) holds off a restore while it runs: ask again
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (started.statusCode() == 409 && started.body().contains("blob collection is running")
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            started = admin.postJson("/api/backup/restore", body);
        }
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return data(started).get("id").asString();
    }

    private JsonNode awaitRestore(String id) {
        return awaitUntil(() -> {
            JsonNode restore = data(admin.get("/api/backup/restores/" + id));
            return restore.get("state").asString().equals("RUNNING") ? null : restore;
        }, "restore " + id);
    }

    private void awaitCaughtUp() {
        awaitTrue(() -> {
            for (JsonNode projection : data(admin.get("/api/admin/projections")).get("projections")) {
                if (!projection.get("caughtUp").asBoolean()) {
                    return false;
                }
            }
            return true;
        }, "the projections to catch up");
    }

    /**
     * A copy of a backup under another id (status, manifest and checksum of the manifest updated for it), its events
     * part then damaged by {@code damage}.
     */
    private String copyOf(Path original, String id, Damage damage) throws Exception {
        Path copy = original.resolveSibling(id);
        Files.createDirectories(copy);
        for (String part : List.of("events.jsonl.gz", "snapshots.jsonl.gz", "blobs.jsonl.gz")) {
            Files.copy(original.resolve(part), copy.resolve(part));
        }
        String manifest = Files.readString(original.resolve("manifest.json"))
                .replace(original.getFileName().toString(), id);
        Files.writeString(copy.resolve("manifest.json"), manifest);
        Files.writeString(copy.resolve("status.json"), Files.readString(original.resolve("status.json"))
                .replace(original.getFileName().toString(), id));
        String sums = Files.readString(original.resolve("SHA256SUMS"));
        String manifestSum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(manifest.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(copy.resolve("SHA256SUMS"),
                sums.replaceFirst("[0-9a-f]{64}  manifest.json", manifestSum + "  manifest.json"));
        damage.apply(copy.resolve("events.jsonl.gz"));
        return id;
    }

    private interface Damage {
        void apply(Path events) throws IOException;
    }

    private static <T> T awaitUntil(Await.Check<T> check, String what) {
        return Await.until(check, WAIT, what);
    }

    private static void awaitTrue(Await.Check<Boolean> check, String what) {
        Await.isTrue(check, WAIT, what);
    }

    private static String suffix() {
        return Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 8);
    }
}
