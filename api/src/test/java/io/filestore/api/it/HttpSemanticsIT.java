package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** HTTP semantics a client library relies on: preconditions, ETags, 405, problem details, protocol details. */
class HttpSemanticsIT {

    private final Api alice = Api.newUser();
    private final Api bob = Api.newUser();

    private String etagOf(String id) {
        return alice.get("/api/files/" + id).headers().firstValue("ETag").orElseThrow();
    }

    private HttpResponse<String> editMetadata(String id, String ifMatch, String json) {
        HttpRequest.Builder request = alice.request("/api/files/" + id + "/metadata")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return alice.send(request.build());
    }

    @Nested
    class IfMatch {

        @Test
        void twoMetadataEditsWithTheSameEtagLetOnlyTheFirstThrough() {
            String id = alice.upload("m.txt", "x".getBytes(StandardCharsets.UTF_8));
            String etag = etagOf(id);

            HttpResponse<String> first = editMetadata(id, etag, "{\"description\":\"first\"}");
            HttpResponse<String> second = editMetadata(id, etag, "{\"description\":\"second\"}");

            assertThat(first.statusCode()).isEqualTo(200);
            String newEtag = first.headers().firstValue("ETag").orElseThrow();
            assertThat(newEtag).isNotEqualTo(etag);
            assertThat(second.statusCode()).isEqualTo(412);
            assertThat(second.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(json(second).get("currentETag").asString()).isEqualTo(newEtag);
            assertThat(data(alice.get("/api/files/" + id)).get("metadata").get("description").asString())
                    .isEqualTo("first");
            assertThat(etagOf(id)).isEqualTo(newEtag);
        }

        @Test
        void aShareChangesTheEtagSoAStaleDeleteIsRefused() {
            String id = alice.upload("s.txt", "x".getBytes(StandardCharsets.UTF_8));
            String etag = etagOf(id);

            HttpResponse<String> share = alice.send(alice.request("/api/files/" + id + "/share")
                    .header("Content-Type", "application/json").header("If-Match", etag)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"userId\":\"" + bob.user + "\",\"role\":\"viewer\"}")).build());
            assertThat(share.statusCode()).isEqualTo(201);
            assertThat(share.headers().firstValue("Location")).isPresent();

            HttpResponse<String> staleShare = alice.send(alice.request("/api/files/" + id + "/share")
                    .header("Content-Type", "application/json").header("If-Match", etag)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"public\":true}")).build());
            HttpResponse<String> staleDelete = alice.send(alice.request("/api/files/" + id)
                    .header("If-Match", etag).DELETE().build());
            assertThat(staleShare.statusCode()).isEqualTo(412);
            assertThat(staleDelete.statusCode()).isEqualTo(412);
            assertThat(alice.get("/api/files/" + id).statusCode()).isEqualTo(200);

            HttpResponse<String> delete = alice.send(alice.request("/api/files/" + id)
                    .header("If-Match", etagOf(id)).DELETE().build());
            assertThat(delete.statusCode()).isEqualTo(200);
        }

        @Test
        void aWellFormedTagThatMatchesNothingIs412AndAListMatchesIfAnyTagDoes() {
            String id = alice.upload("l.txt", "x".getBytes(StandardCharsets.UTF_8));

            assertThat(editMetadata(id, "\"xyzzy\"", "{\"description\":\"a\"}").statusCode()).isEqualTo(412);
            assertThat(editMetadata(id, "W/\"" + etagOf(id).replace("\"", "") + "\"", "{\"description\":\"a\"}")
                    .statusCode()).isEqualTo(412);
            assertThat(editMetadata(id, "\"xyzzy\", " + etagOf(id), "{\"description\":\"b\"}").statusCode())
                    .isEqualTo(200);
            assertThat(editMetadata(id, "*", "{\"description\":\"c\"}").statusCode()).isEqualTo(200);
            assertThat(editMetadata(id, "xyzzy", "{\"description\":\"d\"}").statusCode()).isEqualTo(400);
            HttpResponse<String> rollback = alice.send(alice.request("/api/files/" + id + "/versions/1/restore")
                    .header("If-Match", "\"other\"").POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(rollback.statusCode()).isEqualTo(412);
        }

        @Test
        void theDownloadKeepsItsContentEtag() {
            byte[] content = "content".getBytes(StandardCharsets.UTF_8);
            String id = alice.upload("d.txt", content);
            assertThat(alice.get("/api/files/" + id + "/download").headers().firstValue("ETag"))
                    .hasValue("\"" + Api.sha256(content) + "\"");
        }
    }
}
