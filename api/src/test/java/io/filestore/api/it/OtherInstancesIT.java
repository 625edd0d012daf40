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

/**
 * A restore, a projection rebuild and a search index rebuild reset event processors, which only works while one
 * instance runs: with another instance live on the database (here a session named as an instance would name it,
 * {@code filestore/<id>/<process>}, which is how the service sees the live instances) they are refused with 409 and a
 * problem naming the other instances; once it is gone they run.
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
    void restoresAndRebuildsAreRefusedWhileAnotherInstanceIsLive() throws Exception {
        HttpResponse<String> started = admin.post("/api/backup/start");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String backup = data(started).get("id").asString();
        Await.isTrue(() -> data(admin.get("/api/backup/" + backup)).get("state").asString().equals("COMPLETED"),
                Duration.ofMinutes(2), "the backup");

        try (Connection other = anotherInstance("other-host:8080")) {
            HttpResponse<String> restore = admin.postJson("/api/backup/restore",
                    "{\"backupId\":\"" + backup + "\",\"replace\":true}");
            assertThat(restore.statusCode()).as(restore.body()).isEqualTo(409);
            assertThat(restore.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(json(restore).get("detail").asString()).contains("other-host:8080").contains("stop");
            assertThat(json(restore).get("instances").get(0).asString()).isEqualTo("other-host:8080");

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
