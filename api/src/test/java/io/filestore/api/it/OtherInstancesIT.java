package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A projection rebuild and a search index rebuild reset event processors, which only works while one instance runs:
 * with another instance live on the database (here a session named as an instance would name it,
 * {@code filestore/<id>/<process>}, which is how the service sees the live instances) they are refused with 409 and a
 * problem naming the other instances; once it is gone they run. A restore runs beside other instances, which follow
 * it and stop their processors first (ClusterIT shows it with two real ones); one that never says it has stopped
 * them (this bare session) makes the restore fail after {@code filestore.backup.pause-timeout} (5 s in the tests),
 * and nothing is changed.
 */
class OtherInstancesIT {

    private final Api admin = new Api(RunningApp.ADMIN);

    private static Connection anotherInstance(String id) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", io.filestore.testsupport.TestServicesSource.services().user());
        properties.setProperty("password", io.filestore.testsupport.TestServicesSource.services().password());
        properties.setProperty("ApplicationName", "filestore/" + id + "/0123456789ab"); // <id>/<process>
        return DriverManager.getConnection(io.filestore.testsupport.TestServicesSource.services().jdbcUrl(),
                properties);
    }

    @Test
    void rebuildsAreRefusedAndARestoreWaitsForTheOthersWhileAnotherInstanceIsLive() throws Exception {
        Api owner = new Api(RunningApp.ADMIN);
        String before = owner.upload("before-the-restore-" + java.util.UUID.randomUUID() + ".txt",
                "kept".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> started = admin.post("/api/backup/start");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String backup = data(started).get("id").asString();
        Await.isTrue(() -> data(admin.get("/api/backup/" + backup)).get("state").asString().equals("COMPLETED"),
                Duration.ofMinutes(2), "the backup");

        try (Connection other = anotherInstance("other-host:8080")) {
            HttpResponse<String> restore = admin.postJson("/api/backup/restore",
                    "{\"backupId\":\"" + backup + "\",\"replace\":true}");
            assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
            String restoreId = data(restore).get("id").asString();
            JsonNode failed = Await.until(() -> {
                JsonNode status = data(admin.get("/api/backup/restores/" + restoreId));
                return status.get("state").asString().equals("RUNNING") ? null : status;
            }, Duration.ofMinutes(1), "the restore's end");
            assertThat(failed.get("state").asString()).isEqualTo("FAILED");
            assertThat(failed.get("error").asString()).contains("other-host:8080/0123456789ab")
                    .contains("did not stop their event processors").contains("nothing was changed");
            assertThat(failed.toString()).doesNotContain("store_before_"); // the store was not moved aside
            // nothing was changed, and changes are accepted again
            assertThat(owner.get("/api/files/" + before).statusCode()).isEqualTo(200);
            assertThat(owner.upload("after-the-failed-restore.txt",
                    "new".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isNotBlank();

            HttpResponse<String> rebuild = admin.post("/api/admin/projections/audit/rebuild");
            assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(409);
            assertThat(json(rebuild).get("detail").asString()).contains("other-host:8080");

            HttpResponse<String> search = admin.post("/api/admin/search/rebuild");
            assertThat(search.statusCode()).as(search.body()).isEqualTo(409);
            assertThat(json(search).get("instances").get(0).asString()).isEqualTo("other-host:8080");

            assertThat(admin.post("/api/backup/start").statusCode()).as("a backup only reads").isEqualTo(202);
        }

        // the other instance stopped: its sessions are gone
        Await.isTrue(() -> {
            HttpResponse<String> rebuild = admin.post("/api/admin/projections/audit/rebuild");
            return rebuild.statusCode() == 202;
        }, Duration.ofMinutes(1), "the rebuild, alone again");
    }
}
