package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Elasticsearch taken away from the running application (its connection goes through a proxy the test stops):
 * searches answer 503 with Retry-After, uploads, downloads and the plain listing keep working, and the index
 * catches up with everything uploaded meanwhile once Elasticsearch is back.
 */
class SearchOutageIT {

    private final Api alice = Api.newUser();

    @Test
    void searchIsUnavailableButFilesAreNotAndTheIndexCatchesUp() throws Exception {
        String before = alice.upload("before-outage-narwhal.txt", "before".getBytes(StandardCharsets.UTF_8));
        TcpProxy elasticsearch = alice.app.elasticsearch;
        elasticsearch.stop();
        String during;
        try {
            HttpResponse<String> search = alice.get("/api/files/search?q=narwhal");
            assertThat(search.statusCode()).isEqualTo(503);
            assertThat(search.headers().firstValue("Retry-After")).hasValue("10");
            assertThat(search.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(search).get("success").asBoolean()).isFalse();
            assertThat(alice.get("/api/files?tags=x").statusCode()).isEqualTo(503);

            during = alice.upload("during-outage-narwhal.txt", "during".getBytes(StandardCharsets.UTF_8));
            assertThat(alice.get("/api/files/" + during + "/download").body()).isEqualTo("during");
            assertThat(alice.get("/api/files/" + before + "/download").body()).isEqualTo("before");
            assertThat(data(alice.get("/api/files")).get("files").toString()).contains(during, before);
            HttpResponse<String> health = alice.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(json(health).get("checks").get("search").get("status").asString()).isEqualTo("down");
        } finally {
            elasticsearch.start();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String found = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> search = alice.get("/api/files/search?q=narwhal");
            if (search.statusCode() == 200) {
                found = data(search).get("files").toString();
                if (found.contains(during)) {
                    break;
                }
            }
            Thread.sleep(500);
        }
        assertThat(found).as("the upload made during the outage is indexed once Elasticsearch is back")
                .contains(during).contains(before);
    }
}
