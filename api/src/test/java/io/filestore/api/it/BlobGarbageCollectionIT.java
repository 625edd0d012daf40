package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Purged files release their content: the collector deletes a blob once no version references it and its grace
 * period (15 s in the test configuration) has passed, and keeps a blob that another file still references.
 */
class BlobGarbageCollectionIT {

    @Test
    void deletesOnlyBlobsNoFileReferences() throws Exception {
        Api alice = Api.newUser();
        byte[] unique = ("only here " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        byte[] shared = ("shared " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String lonely = alice.upload("lonely.txt", unique);
        String first = alice.upload("first.txt", shared);
        String second = alice.upload("second.txt", shared);
        assertThat(replicas(alice, unique)).hasSize(2);
        assertThat(replicas(alice, shared)).hasSize(2);

        for (String id : List.of(lonely, first)) {
            assertThat(alice.delete("/api/files/" + id).statusCode()).isEqualTo(200);
            assertThat(alice.delete("/api/trash/" + id).statusCode()).isEqualTo(200);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!replicas(alice, unique).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }

        assertThat(replicas(alice, unique)).as("the purged file's blob is collected").isEmpty();
        assertThat(replicas(alice, shared)).as("a blob another file still uses stays").hasSize(2);
        assertThat(alice.get("/api/files/" + second + "/download").body())
                .isEqualTo(new String(shared, StandardCharsets.UTF_8));
    }

    /**
     * When several instances share the database, one collects at a time: while another session (an instance) holds
     * the collection's advisory lock, this one collects nothing; once it is released, this one collects.
     */
    @Test
    void collectsOnlyWhileNoOtherInstanceHoldsTheCollection() throws Exception {
        Api bob = Api.newUser();
        byte[] unique = ("collected later " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String id = bob.upload("later.txt", unique);
        try (java.sql.Connection otherInstance = RunningApp.database();
             java.sql.Statement lock = otherInstance.createStatement()) {
            try (java.sql.ResultSet held = lock.executeQuery("SELECT pg_try_advisory_lock(20261204, 5)")) {
                held.next();
                assertThat(held.getBoolean(1)).as("another test holds the collection").isTrue();
            }
            assertThat(bob.delete("/api/files/" + id).statusCode()).isEqualTo(200);
            assertThat(bob.delete("/api/trash/" + id).statusCode()).isEqualTo(200);
            // past the grace period (15 s) and several collection intervals (3 s): nothing collected meanwhile
            Thread.sleep(25_000);
            assertThat(replicas(bob, unique)).as("no collection while another instance holds it").hasSize(2);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!replicas(bob, unique).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        assertThat(replicas(bob, unique)).as("collected once the other instance let go").isEmpty();
    }

    private static List<Path> replicas(Api api, byte[] content) throws Exception {
        String hash = Api.sha256(content);
        return api.app.blobFiles().stream().filter(p -> p.getFileName().toString().equals(hash)).toList();
    }
}
