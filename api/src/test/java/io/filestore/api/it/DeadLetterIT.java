package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One event a projection cannot apply is parked, never the segment: a PostgreSQL trigger planted by the test makes
 * the metadata view refuse one file's metadata update (a real event, stored by the real event store), so the
 * metadata processor fails on it as it did on U+0000. The event is parked with that file's sequence, another file
 * of the same segment keeps updating, administrators see the letter, health says degraded, the gauge counts it; a
 * retry while the cause remains parks it again, a retry after the trigger is dropped applies it, and evict removes
 * a letter for good. A rebuild clears the processor's letters and parks again what fails again.
 */
class DeadLetterIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String POISON = "poison-" + RUN;
    private static final String TRIGGER = "dead_letter_it_" + RUN.replace("-", "");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final Api owner = Api.newUser();
    private final Api stranger = Api.newUser();

    @BeforeEach
    void plantTrigger() throws SQLException {
        RunningApp.get();
        try (Connection c = RunningApp.database(); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON file_view");
            s.execute("CREATE OR REPLACE FUNCTION " + TRIGGER + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.description LIKE '" + POISON + "%' THEN "
                    + "RAISE EXCEPTION 'planted failure for file %', NEW.file_id; END IF; RETURN NEW; END $$");
            s.execute("CREATE TRIGGER " + TRIGGER + " BEFORE UPDATE ON file_view FOR EACH ROW EXECUTE FUNCTION "
                    + TRIGGER + "()");
        }
    }

    @AfterAll
    static void removeTriggerAndLetters() throws SQLException {
        dropTrigger();
        evictPlantedLetters();
    }

    /** Evicts every sequence parked by this test's trigger (a rebuild parks again every planted failure). */
    private static void evictPlantedLetters() {
        for (JsonNode letter : letters(l -> l.path("causeMessage").asString("").contains("planted failure"))) {
            admin("DELETE", "/api/admin/dead-letters/" + letter.get("processor").asString() + "/"
                    + letter.get("sequence").asString());
        }
    }

    @Test
    void parksTheFailingFileOnlyShowsItToAdministratorsAndAppliesItOnRetryOnceTheCauseIsFixed() throws SQLException {
        String poisoned = owner.upload("poisoned.txt", "a".getBytes(StandardCharsets.UTF_8));
        String neighbour = uploadInTheSameSegmentAs(poisoned);

        updateDescription(poisoned, POISON); // the view refuses it: the request waits for it in vain
        JsonNode letter = awaitLetter(poisoned, l -> true);
        assertThat(letter.get("processor").asString()).isEqualTo("metadata");
        assertThat(letter.get("eventType").asString()).endsWith("FileMetadataUpdatedEvent");
        assertThat(letter.get("globalPosition").isNumber()).isTrue();
        assertThat(letter.get("eventTimestamp").asString()).isNotBlank();
        assertThat(letter.get("causeMessage").asString()).contains("planted failure for file " + poisoned);
        assertThat(letter.get("attempts").asLong()).isEqualTo(1);

        // The rest of the segment flows on: the neighbour's update is applied, the poisoned file's later ones wait.
        HttpResponse<String> updated = updateDescription(neighbour, "fine-" + RUN);
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(description(neighbour)).isEqualTo("fine-" + RUN);
        assertThat(description(poisoned)).isNull();

        JsonNode health = json(owner.get("/health"));
        assertThat(health.get("status").asString()).isEqualTo("degraded");
        assertThat(health.at("/checks/deadLetters/status").asString()).isEqualTo("degraded");
        long parkedInMetadata = health.at("/checks/deadLetters/processors/metadata").asLong();
        assertThat(parkedInMetadata).isGreaterThanOrEqualTo(1);
        HttpResponse<String> gauge = admin("GET", "/actuator/metrics/filestore.dead.letters?tag=processor:metadata");
        assertThat(gauge.statusCode()).as(gauge.body()).isEqualTo(200);
        assertThat(json(gauge).at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(1.0);

        String path = "/api/admin/dead-letters/metadata/" + poisoned;
        HttpResponse<String> again = admin("POST", path + "/retry");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(data(again).get("applied").asBoolean()).as(again.body()).isFalse();
        assertThat(data(again).at("/remaining/0/attempts").asLong()).isEqualTo(2);

        dropTrigger();
        HttpResponse<String> retried = admin("POST", path + "/retry");
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(data(retried).get("applied").asBoolean()).as(retried.body()).isTrue();
        assertThat(data(retried).get("remaining")).isEmpty();
        assertThat(description(poisoned)).isEqualTo(POISON);
        assertThat(letters(l -> l.path("sequence").asString("").equals(poisoned))).isEmpty();
        assertThat(admin("POST", path + "/retry").statusCode()).isEqualTo(404);
        JsonNode healthAfter = json(owner.get("/health"));
        assertThat(healthAfter.at("/checks/deadLetters/processors/metadata").asLong(0)).isEqualTo(parkedInMetadata - 1);
    }

    @Test
    void evictRemovesTheLetterAndTheFileUpdatesAgain() throws SQLException {
        String id = owner.upload("evicted.txt", "e".getBytes(StandardCharsets.UTF_8));
        updateDescription(id, POISON + "-evict");
        awaitLetter(id, l -> true);

        HttpResponse<String> evicted = admin("DELETE", "/api/admin/dead-letters/metadata/" + id);
        assertThat(evicted.statusCode()).as(evicted.body()).isEqualTo(204);
        assertThat(letters(l -> l.path("sequence").asString("").equals(id))).isEmpty();
        assertThat(admin("DELETE", "/api/admin/dead-letters/metadata/" + id).statusCode()).isEqualTo(404);

        HttpResponse<String> updated = updateDescription(id, "healthy-" + RUN);
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(description(id)).isEqualTo("healthy-" + RUN);
    }

    @Test
    void aRebuildClearsTheLettersAndParksAgainWhatFailsAgain() throws Exception {
        String id = owner.upload("rebuilt.txt", "r".getBytes(StandardCharsets.UTF_8));
        updateDescription(id, POISON + "-rebuild");
        awaitLetter(id, l -> true);
        String path = "/api/admin/dead-letters/metadata/" + id;
        assertThat(data(admin("POST", path + "/retry")).at("/remaining/0/attempts").asLong()).isEqualTo(2);

        HttpResponse<String> rebuild = admin("POST", "/api/admin/projections/metadata/rebuild");
        assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(202);
        String rebuildId = data(rebuild).get("id").asString();
        awaitRebuild(rebuildId);
        // The old letter (two attempts) was cleared by the reset; the replay failed on the event again and parked it.
        JsonNode parkedAgain = awaitLetter(id, l -> l.path("attempts").asLong(0) == 1);
        assertThat(parkedAgain.get("eventType").asString()).endsWith("FileMetadataUpdatedEvent");
        evictPlantedLetters();
    }

    @Test
    void onlySystemAdministratorsMayUseTheDeadLetters() {
        assertThat(stranger.get("/api/admin/dead-letters").statusCode()).isEqualTo(403);
        assertThat(stranger.post("/api/admin/dead-letters/metadata/x/retry").statusCode()).isEqualTo(403);
        assertThat(stranger.delete("/api/admin/dead-letters/metadata/x").statusCode()).isEqualTo(403);
        HttpRequest anonymous = HttpRequest.newBuilder(owner.app.uri("/api/admin/dead-letters")).GET().build();
        assertThat(owner.send(anonymous).statusCode()).isEqualTo(401);
        HttpRequest anonymousRetry = HttpRequest.newBuilder(owner.app.uri("/api/admin/dead-letters/metadata/x/retry"))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        assertThat(owner.send(anonymousRetry).statusCode()).isEqualTo(401);

        HttpResponse<String> listed = admin("GET", "/api/admin/dead-letters?processor=metadata&limit=10");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(data(listed).get("counts").has("metadata")).isTrue();
        assertThat(data(listed).get("counts").has("search")).isTrue();
        assertThat(admin("GET", "/api/admin/dead-letters?processor=nope").statusCode()).isEqualTo(404);
        assertThat(admin("GET", "/api/admin/dead-letters?limit=0").statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/api/admin/dead-letters/metadata/" + UUID.randomUUID() + "/retry").statusCode())
                .isEqualTo(404);
    }

    /** Uploads files until one lands in the same processor segment as {@code fileId} (4 segments, Axon's hash). */
    private String uploadInTheSameSegmentAs(String fileId) {
        for (int i = 0; i < 64; i++) {
            String candidate = owner.upload("neighbour-" + i + ".txt", "n".getBytes(StandardCharsets.UTF_8));
            if ((candidate.hashCode() & 3) == (fileId.hashCode() & 3)) {
                return candidate;
            }
        }
        throw new AssertionError("no file in the same segment after 64 uploads");
    }

    private HttpResponse<String> updateDescription(String id, String description) {
        return owner.postJson("/api/files/" + id + "/metadata", "{\"description\":\"" + description + "\"}");
    }

    private String description(String id) {
        HttpResponse<String> file = owner.get("/api/files/" + id);
        assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
        JsonNode description = data(file).at("/metadata/description");
        return description.isMissingNode() || description.isNull() ? null : description.asString();
    }

    private static JsonNode awaitLetter(String sequence, Predicate<JsonNode> matching) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            List<JsonNode> found = letters(l -> l.path("sequence").asString("").equals(sequence) && matching.test(l));
            if (!found.isEmpty()) {
                assertThat(found).hasSize(1);
                return found.get(0);
            }
            assertThat(System.nanoTime()).as("a dead letter for " + sequence).isLessThan(deadline);
            sleep();
        }
    }

    private static void awaitRebuild(String id) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            for (JsonNode rebuild : data(admin("GET", "/api/admin/projections")).get("rebuilds")) {
                if (rebuild.get("id").asString().equals(id) && !rebuild.get("state").asString().equals("RUNNING")) {
                    assertThat(rebuild.get("state").asString()).as(rebuild.toString()).isEqualTo("COMPLETED");
                    return;
                }
            }
            assertThat(System.nanoTime()).as("rebuild " + id + " finished").isLessThan(deadline);
            sleep();
        }
    }

    private static List<JsonNode> letters(Predicate<JsonNode> matching) {
        HttpResponse<String> listed = admin("GET", "/api/admin/dead-letters?limit=1000");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        List<JsonNode> result = new ArrayList<>();
        for (JsonNode letter : data(listed).get("letters")) {
            if (matching.test(letter)) {
                result.add(letter);
            }
        }
        return result;
    }

    private static HttpResponse<String> admin(String method, String path) {
        Api api = new Api("unused");
        return api.send(api.app.asAdmin(path)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static void dropTrigger() throws SQLException {
        try (Connection c = RunningApp.database(); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON file_view");
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
