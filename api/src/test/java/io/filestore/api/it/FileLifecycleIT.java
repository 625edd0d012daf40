package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The file lifecycle over HTTP against the running application, PostgreSQL and Elasticsearch. */
class FileLifecycleIT {

    private final Api alice = Api.newUser();
    private final Api bob = Api.newUser();

    @Nested
    class Upload {

        @Test
        void multipartUploadWithMetadataIsReadableRightAfterThe201() {
            byte[] content = "hello, file store".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> response = alice.uploadMultipart("hello.txt", "text/plain", content,
                    "{\"description\":\"greeting\",\"tags\":[\"a\",\"b\"],\"folder\":\"/docs/notes\"}");

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(json(response).get("success").asBoolean()).isTrue();
            JsonNode file = data(response);
            String id = file.get("fileId").asString();
            assertThat(response.headers().firstValue("Location")).hasValue("/api/files/" + id);
            assertThat(file.get("name").asString()).isEqualTo("hello.txt");
            assertThat(file.get("size").asLong()).isEqualTo(content.length);
            assertThat(file.get("mimeType").asString()).isEqualTo("text/plain");
            assertThat(file.get("version").asInt()).isEqualTo(1);
            assertThat(file.get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(content));
            assertThat(file.get("metadata").get("description").asString()).isEqualTo("greeting");
            assertThat(file.get("metadata").get("folder").asString()).isEqualTo("/docs/notes");
            assertThat(file.get("url").asString()).isEqualTo("/api/files/" + id + "/download");

            HttpResponse<String> read = alice.get("/api/files/" + id);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(data(read).get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(content));
            assertThat(data(read).get("metadata").get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        }

        @Test
        void anUploadCutOffMidwayKeepsNothingAndIsNoServerError() throws Exception {
            Api cutter = Api.newUser();
            java.net.URI uri = cutter.app.uri("/api/files/upload?name=cut.bin");
            long logStart = java.nio.file.Files.size(cutter.app.log);
            try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
                java.io.OutputStream out = socket.getOutputStream();
                out.write(("POST " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: localhost\r\n"
                        + "X-User-Id: " + cutter.user + "\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Length: " + (4 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[1 << 20]); // a quarter of what was announced, then the connection closes
                out.flush();
            }

            String log = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!log.contains("closed the connection before the request was complete")) {
                assertThat(System.nanoTime()).as("the service notices the cut: " + log).isLessThan(deadline);
                Thread.sleep(100);
                byte[] all = java.nio.file.Files.readAllBytes(cutter.app.log);
                log = new String(all, (int) logStart, all.length - (int) logStart, StandardCharsets.UTF_8);
            }
            assertThat(log.lines().filter(line -> line.contains("/api/files/upload"))
                    .filter(line -> line.contains(" ERROR ") || line.contains(" WARN "))).isEmpty();
            assertThat(cutter.listTotal()).as("no file was created").isZero();
            assertThat(cutter.get("/health").statusCode()).isEqualTo(200);
        }

        @Test
        void rawUploadTakesNameFromQueryAndTypeFromHeader() {
            byte[] content = new byte[]{1, 2, 3, 4, 5};
            HttpResponse<String> response = alice.send(alice.request("/api/files/upload?name=data.bin&tags=x,y")
                    .header("Content-Type", "application/x-custom")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build());

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(data(response).get("name").asString()).isEqualTo("data.bin");
            assertThat(data(response).get("mimeType").asString()).isEqualTo("application/x-custom");
            assertThat(data(response).get("metadata").get("tags").toString()).isEqualTo("[\"x\",\"y\"]");
        }

        @Test
        void detectsMediaTypeFromTheNameWhenNoneIsDeclared() {
            HttpResponse<String> response = alice.send(alice.request("/api/files/upload")
                    .header("X-File-Name", "photo.png")
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[]{(byte) 0x89, 'P', 'N', 'G'})).build());

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(data(response).get("mimeType").asString()).isEqualTo("image/png");
        }

        @Test
        void keepsUnicodeNames() {
            String name = "Résumé 履歴書 📄.txt";
            HttpResponse<String> response = alice.send(alice.request("/api/files/upload?name="
                            + URLEncoder.encode(name, StandardCharsets.UTF_8))
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build());

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(data(response).get("name").asString()).isEqualTo(name);
            String id = data(response).get("fileId").asString();
            HttpResponse<String> download = alice.get("/api/files/" + id + "/download");
            assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
                    .contains("filename*=UTF-8''R%C3%A9sum%C3%A9");
        }

        @Test
        void reducesAClientPathInAMultipartFilenameToItsLastSegment() {
            HttpResponse<String> response = alice.uploadMultipart("../../etc/passwd", "text/plain",
                    "x".getBytes(StandardCharsets.UTF_8), null);

            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(data(response).get("name").asString()).isEqualTo("passwd");
        }

        @Test
        void rejectsPathTraversalInAnExplicitName() {
            HttpResponse<String> response = alice.uploadMultipart("ok.txt", "text/plain",
                    "x".getBytes(StandardCharsets.UTF_8), "{\"name\":\"../../etc/passwd\"}");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(response).get("success").asBoolean()).isFalse();
            assertThat(json(response).get("error").asString()).contains("name");
        }

        @Test
        void rejectsMalformedMetadataJsonAndKeepsNothing() {
            long before = alice.listTotal();
            HttpResponse<String> response = alice.uploadMultipart("ok.txt", "text/plain",
                    "x".getBytes(StandardCharsets.UTF_8), "{\"description\": ");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response).get("status").asInt()).isEqualTo(400);
            assertThat(json(response).get("parameter").asString()).isEqualTo("metadata");
            assertThat(alice.listTotal()).isEqualTo(before);
        }

        @Test
        void rejectsMissingCallerWith401() {
            HttpResponse<String> response = alice.send(HttpRequest.newBuilder(alice.app.uri("/api/files"))
                    .GET().build());

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(json(response).get("success").asBoolean()).isFalse();
        }

        @Test
        void verifiesAMatchingContentDigest() {
            byte[] content = "digest me".getBytes(StandardCharsets.UTF_8);
            String b64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(Api.sha256(content)));
            HttpResponse<String> response = alice.send(alice.request("/api/files/upload?name=d.txt")
                    .header("Content-Type", "text/plain")
                    .header("Content-Digest", "sha-256=:" + b64 + ":")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build());

            assertThat(response.statusCode()).isEqualTo(201);
        }

        @Test
        void rejectsADigestMismatchAndKeepsNoBytes() throws Exception {
            byte[] content = ("never stored " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
            String wrong = Api.sha256("something else".getBytes(StandardCharsets.UTF_8));
            long before = alice.listTotal();

            HttpResponse<String> response = alice.send(alice.request("/api/files/upload?name=d.txt")
                    .header("Content-Type", "text/plain")
                    .header("X-Checksum-SHA256", wrong)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build());

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(alice.listTotal()).isEqualTo(before);
            String hash = Api.sha256(content);
            assertThat(alice.app.blobFiles()).noneMatch(p -> p.getFileName().toString().equals(hash));
        }

        @Test
        void rejectsADeclaredOversizedBodyAt413BeforeReadingIt() throws Exception {
            try (java.net.Socket socket = new java.net.Socket(alice.app.base.getHost(), alice.app.base.getPort())) {
                socket.setSoTimeout(30_000);
                String head = "POST /api/files/upload?name=big.bin HTTP/1.1\r\nHost: localhost\r\n"
                        + "X-User-Id: " + alice.user + "\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Length: " + (1200L * 1024 * 1024) + "\r\n\r\n";
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();

                assertThat(status).startsWith("HTTP/1.1 413");
            }
        }

        @Test
        void rejectsAStreamedOversizedBodyAt413AndKeepsNothing() throws Exception {
            List<java.nio.file.Path> before = alice.app.blobFiles();
            long tooMany = 1100L * 1024 * 1024 + 1;
            HttpResponse<String> response;
            try {
                response = alice.send(alice.request("/api/files/upload?name=big.bin")
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(tooMany, 7))).build());
            } catch (RuntimeException e) {
                // The server may close the connection while the client is still sending: also a refusal.
                response = null;
            }
            if (response != null) {
                assertThat(response.statusCode()).isEqualTo(413);
            }
            assertThat(before).containsAll(alice.app.blobFiles()); // no new blob (the collector may remove old ones)
            assertThat(alice.app.blobFiles()) // a temp name, seen below the data directory (whose own path may contain "tmp")
                    .noneMatch(p -> alice.app.dataDir.relativize(p).toString().contains("tmp"));
        }
    }

    @Nested
    class ReadAndList {

        @Test
        void listsOwnFilesNewestFirstWithPagination() {
            Api carol = Api.newUser();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(carol.upload("f" + i + ".txt", ("content " + i).getBytes(StandardCharsets.UTF_8)));
            }
            HttpResponse<String> page = carol.get("/api/files?limit=2&offset=0");

            assertThat(page.statusCode()).isEqualTo(200);
            JsonNode body = data(page);
            assertThat(body.get("files")).hasSize(2);
            assertThat(body.get("files").get(0).get("fileId").asString()).isEqualTo(ids.get(2));
            assertThat(body.get("files").get(1).get("fileId").asString()).isEqualTo(ids.get(1));
            assertThat(body.get("pagination").get("total").asLong()).isEqualTo(3);
            assertThat(body.get("pagination").get("hasMore").asBoolean()).isTrue();
            JsonNode second = data(carol.get("/api/files?limit=2&offset=2"));
            assertThat(second.get("files").get(0).get("fileId").asString()).isEqualTo(ids.get(0));
            assertThat(second.get("pagination").get("hasMore").asBoolean()).isFalse();
        }

        @Test
        void rejectsALimitOverTheMaximum() {
            HttpResponse<String> response = alice.get("/api/files?limit=1000");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response).get("parameter").asString()).isEqualTo("limit");
        }

        @Test
        void hidesOtherUsersFilesWith404() {
            String id = alice.upload("private.txt", "secret".getBytes(StandardCharsets.UTF_8));

            assertThat(bob.get("/api/files/" + id).statusCode()).isEqualTo(404);
            assertThat(bob.get("/api/files/" + id + "/download").statusCode()).isEqualTo(404);
            assertThat(bob.get("/api/files/" + id + "/versions").statusCode()).isEqualTo(404);
            assertThat(bob.postJson("/api/files/" + id + "/metadata", "{\"description\":\"x\"}").statusCode())
                    .isEqualTo(404);
            assertThat(bob.delete("/api/files/" + id).statusCode()).isEqualTo(404);
            assertThat(bob.send(bob.request("/api/files/" + id).header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString("overwrite")).build()).statusCode()).isEqualTo(404);
            assertThat(data(bob.get("/api/files")).get("files").toString()).doesNotContain(id);
        }

        @Test
        void answersUnknownIds404AndMalformedIds400() {
            assertThat(alice.get("/api/files/00000000-0000-4000-8000-000000000000").statusCode()).isEqualTo(404);
            assertThat(alice.get("/api/files/not-a-uuid").statusCode()).isEqualTo(400);
        }
    }

    @Nested
    class Versions {

        @Test
        void newContentBecomesTheNextVersionAndOldVersionsStayDownloadable() {
            byte[] v1 = "version one".getBytes(StandardCharsets.UTF_8);
            byte[] v2 = "version two!".getBytes(StandardCharsets.UTF_8);
            String id = alice.upload("doc.txt", v1);

            HttpResponse<String> put = alice.send(alice.request("/api/files/" + id + "?changeLog=second")
                    .header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(v2)).build());

            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(data(put).get("version").asInt()).isEqualTo(2);
            assertThat(data(put).get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(v2));
            HttpResponse<String> history = alice.get("/api/files/" + id + "/versions");
            JsonNode versions = data(history).get("versions");
            assertThat(versions).hasSize(2);
            assertThat(versions.get(0).get("version").asInt()).isEqualTo(2);
            assertThat(versions.get(0).get("changeLog").asString()).isEqualTo("second");
            assertThat(versions.get(0).get("uploadedBy").asString()).isEqualTo(alice.user);
            assertThat(versions.get(1).get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(v1));
            assertThat(alice.get("/api/files/" + id + "/download").body()).isEqualTo("version two!");
            assertThat(alice.get("/api/files/" + id + "/download?version=1").body()).isEqualTo("version one");
            assertThat(alice.get("/api/files/" + id + "/download?version=9").statusCode()).isEqualTo(404);
        }

        @Test
        void multipartNewVersionCanRenameAndEditMetadata() {
            String id = alice.upload("a.txt", "1".getBytes(StandardCharsets.UTF_8));
            Multipart body = new Multipart().field("metadata", "application/json",
                    "{\"name\":\"b.txt\",\"description\":\"renamed\"}")
                    .file("file", "whatever.txt", "text/plain", "2".getBytes(StandardCharsets.UTF_8));

            HttpResponse<String> put = alice.send(alice.request("/api/files/" + id)
                    .header("Content-Type", body.contentType()).PUT(body.publisher()).build());

            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(data(put).get("name").asString()).isEqualTo("b.txt");
            assertThat(data(put).get("metadata").get("description").asString()).isEqualTo("renamed");
        }

        @Test
        void ifMatchOnTheCurrentEtagAcceptsAndAStaleOneGets412() {
            byte[] v1 = "one".getBytes(StandardCharsets.UTF_8);
            String id = alice.upload("c.txt", v1);
            String etag = alice.get("/api/files/" + id + "/download").headers().firstValue("ETag").orElseThrow();

            HttpResponse<String> first = alice.send(alice.request("/api/files/" + id).header("If-Match", etag)
                    .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("two")).build());
            HttpResponse<String> lost = alice.send(alice.request("/api/files/" + id).header("If-Match", etag)
                    .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("three")).build());
            HttpResponse<String> byVersion = alice.send(alice.request("/api/files/" + id).header("If-Match", "\"v2\"")
                    .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("four")).build());

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(lost.statusCode()).isEqualTo(412);
            assertThat(json(lost).get("currentVersion").asInt()).isEqualTo(2);
            assertThat(byVersion.statusCode()).isEqualTo(200);
            assertThat(data(byVersion).get("version").asInt()).isEqualTo(3);
        }

        @Test
        void rollbackAddsAVersionPointingAtTheOldContent() {
            byte[] v1 = "original".getBytes(StandardCharsets.UTF_8);
            String id = alice.upload("r.txt", v1);
            alice.send(alice.request("/api/files/" + id).header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString("changed")).build());

            HttpResponse<String> restored = alice.post("/api/files/" + id + "/versions/1/restore");

            assertThat(restored.statusCode()).isEqualTo(200);
            assertThat(data(restored).get("version").asInt()).isEqualTo(3);
            assertThat(data(restored).get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(v1));
            assertThat(alice.get("/api/files/" + id + "/download").body()).isEqualTo("original");
            JsonNode newest = data(alice.get("/api/files/" + id + "/versions")).get("versions").get(0);
            assertThat(newest.get("restoredFrom").asInt()).isEqualTo(1);
            assertThat(alice.post("/api/files/" + id + "/versions/42/restore").statusCode()).isEqualTo(404);
        }
    }

    @Nested
    class Metadata {

        @Test
        void mergesMetadataAndReadsItBack() {
            HttpResponse<String> created = alice.uploadMultipart("m.txt", "text/plain",
                    "x".getBytes(StandardCharsets.UTF_8),
                    "{\"description\":\"d1\",\"tags\":[\"t1\"],\"attributes\":{\"a\":\"1\",\"b\":\"2\"}}");
            String id = data(created).get("fileId").asString();

            HttpResponse<String> merged = alice.postJson("/api/files/" + id + "/metadata",
                    "{\"folder\":\"/projects/x\",\"attributes\":{\"b\":null,\"c\":\"3\"}}");

            assertThat(merged.statusCode()).isEqualTo(200);
            JsonNode metadata = data(alice.get("/api/files/" + id + "/metadata")).get("metadata");
            assertThat(metadata.get("description").asString()).isEqualTo("d1");
            assertThat(metadata.get("tags").toString()).isEqualTo("[\"t1\"]");
            assertThat(metadata.get("folder").asString()).isEqualTo("/projects/x");
            assertThat(metadata.get("attributes").toString()).isEqualTo("{\"a\":\"1\",\"c\":\"3\"}");
            assertThat(data(alice.get("/api/files/" + id)).get("version").asInt()).isEqualTo(1);
        }

        @Test
        void refusesJsonBodiesOverOneMebibyteDeclaredOrStreamed() {
            String id = alice.upload("big-json.txt", "x".getBytes(StandardCharsets.UTF_8));
            String padding = "a".repeat(1024 * 1024);
            String tooBig = "{\"description\":\"" + padding + "\"}";

            HttpResponse<String> declared = alice.postJson("/api/files/" + id + "/metadata", tooBig);
            HttpResponse<String> streamed = alice.send(alice.request("/api/files/" + id + "/metadata")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                            tooBig.getBytes(StandardCharsets.UTF_8)))).build()); // chunked: no length announced

            for (HttpResponse<String> refused : List.of(declared, streamed)) {
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(413);
                assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(json(refused).get("success").asBoolean()).isFalse();
            }
            assertThat(data(alice.get("/api/files/" + id)).get("metadata").has("description")).isFalse();
            // Just under the limit is fine.
            String fits = "{\"description\":\"" + "a".repeat(1000) + "\"}";
            assertThat(alice.postJson("/api/files/" + id + "/metadata", fits).statusCode()).isEqualTo(200);
        }

        @Test
        void rejectsMalformedJsonAndInvalidValues() {
            String id = alice.upload("m2.txt", "x".getBytes(StandardCharsets.UTF_8));

            assertThat(alice.postJson("/api/files/" + id + "/metadata", "{not json").statusCode()).isEqualTo(400);
            assertThat(alice.postJson("/api/files/" + id + "/metadata", "{\"folder\":\"/a/../b\"}").statusCode())
                    .isEqualTo(400);
            assertThat(alice.postJson("/api/files/" + id + "/metadata", "{\"tags\":[\"" + "t".repeat(65) + "\"]}")
                    .statusCode()).isEqualTo(400);
        }
    }

    @Nested
    class Trash {

        @Test
        void deletedFileIs404EverywhereAndComesBackFromTheTrash() {
            String id = alice.upload("t.txt", "trash me".getBytes(StandardCharsets.UTF_8));

            assertThat(alice.delete("/api/files/" + id).statusCode()).isEqualTo(200);
            assertThat(alice.get("/api/files/" + id).statusCode()).isEqualTo(404);
            assertThat(alice.get("/api/files/" + id + "/download").statusCode()).isEqualTo(404);
            assertThat(alice.get("/api/files/" + id + "/versions").statusCode()).isEqualTo(404);
            assertThat(alice.delete("/api/files/" + id).statusCode()).isEqualTo(404);
            assertThat(data(alice.get("/api/files")).get("files").toString()).doesNotContain(id);
            assertThat(data(alice.get("/api/trash")).get("files").toString()).contains(id);
            assertThat(bob.post("/api/trash/" + id + "/restore").statusCode()).isEqualTo(404);

            HttpResponse<String> restored = alice.post("/api/trash/" + id + "/restore");

            assertThat(restored.statusCode()).isEqualTo(200);
            assertThat(alice.get("/api/files/" + id + "/download").body()).isEqualTo("trash me");
            assertThat(data(alice.get("/api/trash")).get("files").toString()).doesNotContain(id);
        }

        @Test
        void ownerPurgesATrashedFileForGood() {
            String id = alice.upload("p.txt", "purge me".getBytes(StandardCharsets.UTF_8));
            alice.delete("/api/files/" + id);

            HttpResponse<String> purged = alice.delete("/api/trash/" + id);

            assertThat(purged.statusCode()).isEqualTo(200);
            assertThat(alice.post("/api/trash/" + id + "/restore").statusCode()).isEqualTo(404);
            assertThat(data(alice.get("/api/trash")).get("files").toString()).doesNotContain(id);
        }

        @Test
        void retentionPurgesTrashedFilesAutomatically() throws InterruptedException {
            String id = alice.upload("old.txt", "expire me".getBytes(StandardCharsets.UTF_8));
            alice.delete("/api/files/" + id);

            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            boolean gone = false;
            while (!gone && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                gone = !data(alice.get("/api/trash")).get("files").toString().contains(id);
            }

            assertThat(gone).as("purged after the 20 s retention of the test configuration").isTrue();
            assertThat(alice.post("/api/trash/" + id + "/restore").statusCode()).isEqualTo(404);
        }
    }

    @Nested
    class Health {

        @Test
        void reportsEveryDependency() {
            HttpResponse<String> health = alice.get("/health");

            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode body = json(health);
            // The test applications share one database but not their storage nodes: a scrub of this application (the
            // authorization matrix starts one) finds the blobs other test applications stored on their own nodes
            // without an intact copy here, and redundancy stays degraded. Every other check must be up, and the
            // status follows them.
            boolean redundant = body.get("checks").get("redundancy").get("status").asString().equals("up");
            assertThat(body.get("status").asString()).isEqualTo(redundant ? "healthy" : "degraded");
            for (String check : java.util.List.of("database", "storage", "search", "consistency", "deadLetters",
                    "cluster")) {
                assertThat(body.get("checks").get(check).get("status").asString()).as(check).isEqualTo("up");
            }
            assertThat(body.get("checks").get("storage").get("nodesUp").asInt()).isEqualTo(3);
            assertThat(alice.get("/actuator/health").statusCode()).isEqualTo(200);
        }
    }
}
