package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every value is validated before it becomes an event: bad input is a 400 problem naming the field, nothing is
 * stored, and no input found so far answers a 5xx.
 */
class StrictEdgesIT {

    private final Api owner = Api.newUser();
    private final Api friend = Api.newUser();

    /** Asserts a 400 problem (application/problem+json) naming {@code field}, without internal class names. */
    private static JsonNode assertBadRequest(HttpResponse<String> response, String field) {
        assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.path("parameter").asString()).as(response.body()).isEqualTo(field);
        assertThat(response.body()).doesNotContain("io.filestore").doesNotContain("tools.jackson")
                .doesNotContain("java.lang");
        return problem;
    }

    private static long events(String aggregateId) throws Exception {
        try (Connection db = RunningApp.database();
             PreparedStatement count = db.prepareStatement(
                     "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?")) {
            count.setString(1, aggregateId);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder asAdmin(String path) {
        return owner.app.asAdmin(path);
    }

    private HttpResponse<String> adminPost(String path, String json) {
        return owner.send(asAdmin(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpResponse<String> basicGet(String user, String password, String path) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return owner.send(HttpRequest.newBuilder(owner.app.uri(path)).header("Authorization", "Basic " + basic)
                .GET().build());
    }

    @Nested
    class UnknownFields {

        @Test
        void anUnknownJsonFieldIsA400NamingItAndNothingIsShared() throws Exception {
            String id = owner.upload("unknown-field.txt", "x".getBytes(StandardCharsets.UTF_8));
            long before = events(id);

            assertBadRequest(owner.postJson("/api/files/" + id + "/share",
                    "{\"userId\":\"" + friend.user + "\",\"rol\":\"editor\"}"), "rol");
            assertBadRequest(owner.postJson("/api/files/" + id + "/metadata", "{\"descripton\":\"typo\"}"),
                    "descripton");

            assertThat(events(id)).isEqualTo(before);
            assertThat(friend.get("/api/files/" + id).statusCode()).isEqualTo(404);
        }

        @Test
        void anUnknownQueryParameterIsA400NamingIt() {
            assertBadRequest(owner.get("/api/files?tag=x"), "tag");
            assertBadRequest(owner.get("/api/files/search?q=a&limt=5"), "limt");
            assertBadRequest(owner.get("/api/files/shared?directon=out"), "directon");
            assertThat(owner.get("/api/files?tags=x&limit=5").statusCode()).isEqualTo(200);
            assertThat(owner.get("/api/files/shared?direction=out&limit=5").statusCode()).isEqualTo(200);
        }

        @Test
        void aWrongTypeNamesTheFieldNotAJavaClass() {
            String id = owner.upload("types.txt", "x".getBytes(StandardCharsets.UTF_8));
            assertBadRequest(owner.postJson("/api/files/" + id + "/metadata", "{\"tags\":{\"a\":1}}"), "tags");
            assertBadRequest(owner.postJson("/api/files/" + id + "/share", "{\"public\":true,\"maxDownloads\":\"many\"}"),
                    "maxDownloads");
        }
    }

    @Nested
    class FreeText {

        @Test
        void controlCharactersInMetadataAreRefusedAndNoEventIsStored() throws Exception {
            String id = owner.upload("controls.txt", "x".getBytes(StandardCharsets.UTF_8));
            long before = events(id);

            assertBadRequest(owner.postJson("/api/files/" + id + "/metadata", "{\"description\":\"a\\u0000b\"}"),
                    "description");
            assertBadRequest(owner.postJson("/api/files/" + id + "/metadata",
                    "{\"attributes\":{\"k\":\"v\\u001b[31m\"}}"), "attributes.k");
            assertBadRequest(owner.postJson("/api/files/" + id + "/metadata", "{\"description\":\"\\ud800\"}"),
                    "description");
            HttpResponse<String> version = owner.send(owner.request("/api/files/" + id + "?changeLog=" + q("log\u0000"))
                    .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("v2")).build());
            assertBadRequest(version, "changeLog");

            assertThat(events(id)).isEqualTo(before);
            HttpResponse<String> fine = owner.postJson("/api/files/" + id + "/metadata",
                    "{\"description\":\"line 1\\n\\tline 2\"}");
            assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
        }

        @Test
        void deceptiveAndReservedNamesAreRefused() {
            for (String name : List.of("invoice\u202Efdp.exe", "CON", "NUL.txt", "com1.log", "report.",
                    "a\u200Bb.txt")) {
                HttpResponse<String> upload = owner.uploadMultipart(name, "text/plain",
                        "x".getBytes(StandardCharsets.UTF_8), null);
                assertBadRequest(upload, "name");
            }
            String id = owner.upload("renamed.txt", "x".getBytes(StandardCharsets.UTF_8));
            assertBadRequest(owner.postJson("/api/files/" + id + "/metadata", "{\"name\":\"LPT1.txt\"}"), "name");
            assertBadRequest(owner.postJson("/api/files/" + id + "/metadata", "{\"name\":\"report \"}"), "name");
            assertBadRequest(owner.postJson("/api/files/" + id + "/metadata", "{\"folder\":\"/a/CON\"}"), "folder");
        }

        @Test
        void aWindowsPathAsMultipartFilenameKeepsItsLastSegment() {
            HttpResponse<String> upload = owner.uploadMultipart("C:\\Users\\me\\a.txt", "text/plain",
                    "x".getBytes(StandardCharsets.UTF_8), null);
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            assertThat(data(upload).get("name").asString()).isEqualTo("a.txt");
        }

        @Test
        void displayNamesAndTokenNamesAreFreeText() {
            assertBadRequest(adminPost("/api/admin/users", "{\"userId\":\"u-" + UUID.randomUUID().toString()
                    .substring(0, 8) + "\",\"displayName\":\"Bo\\u0007b\",\"password\":\"long enough password\"}"),
                    "displayName");
        }
    }

    @Nested
    class InstantsAndNumbers {

        @Test
        void expiriesAndDownloadLimitsOutOfRangeAreRefusedAndNothingIsShared() throws Exception {
            String id = owner.upload("limits.txt", "x".getBytes(StandardCharsets.UTF_8));
            long before = events(id);
            String share = "/api/files/" + id + "/share";

            assertBadRequest(owner.postJson(share, "{\"public\":true,\"maxDownloads\":4294967297}"), "maxDownloads");
            assertBadRequest(owner.postJson(share, "{\"public\":true,\"maxDownloads\":0}"), "maxDownloads");
            assertBadRequest(owner.postJson(share, "{\"public\":true,\"maxDownloads\":1000001}"), "maxDownloads");
            assertBadRequest(owner.postJson(share, "{\"userId\":\"" + friend.user
                    + "\",\"expiresInSeconds\":1000000000000}"), "expiresInSeconds");
            assertBadRequest(owner.postJson(share, "{\"userId\":\"" + friend.user
                    + "\",\"expiresAt\":\"+1000000000-12-31T23:59:59Z\"}"), "expiresAt");
            assertBadRequest(owner.postJson(share, "{\"userId\":\"" + friend.user + "\",\"expiresAt\":\""
                    + Instant.now().minusSeconds(60) + "\"}"), "expiresAt");
            assertBadRequest(owner.postJson(share, "{\"userId\":\"" + friend.user + "\",\"expiresAt\":\""
                    + Instant.now().plus(3651, ChronoUnit.DAYS) + "\"}"), "expiresAt");

            assertThat(events(id)).isEqualTo(before);
            HttpResponse<String> fine = owner.postJson(share, "{\"public\":true,\"maxDownloads\":1000000,"
                    + "\"expiresAt\":\"" + Instant.now().plus(3649, ChronoUnit.DAYS) + "\"}");
            assertThat(fine.statusCode()).as(fine.body()).isEqualTo(201);
            assertThat(data(fine).get("maxDownloads").asInt()).isEqualTo(1_000_000);
        }

        @Test
        void dateFiltersOutsideTheYears1To9999AreA400() {
            assertBadRequest(owner.get("/api/files?createdAfter=" + q("-999999999-01-01T00:00:00Z")), "createdAfter");
            assertBadRequest(owner.get("/api/files/search?q=a&updatedBefore=" + q("+10000-01-01T00:00:00Z")),
                    "updatedBefore");
            HttpResponse<String> audit = owner.send(asAdmin("/api/audit?from="
                    + q("+1000000000-12-31T23:59:59Z")).GET().build());
            assertBadRequest(audit, "from");
            HttpResponse<String> auditLow = owner.send(asAdmin("/api/audit?to="
                    + q("-999999999-01-01T00:00:00Z")).GET().build());
            assertBadRequest(auditLow, "to");
        }

        @Test
        void inputsThatOnceAnswered500AreNoLongerServerErrors() {
            for (HttpResponse<String> response : List.of(owner.get("/api/files/search?q=%25"),
                    owner.get("/api/files/search?q=" + q("*?\"\\/[]{}~^:!&|()")),
                    owner.get("/api/files/search?q=a&offset=9900&limit=100"),
                    owner.get("/api/files/search?q=a&offset=9901&limit=100"),
                    owner.get("/api/files?offset=9900&limit=100"),
                    owner.get("/api/files?tags=a&offset=9900&limit=100"),
                    owner.get("/error"))) {
                assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isLessThan(500);
            }
            assertThat(owner.get("/error").statusCode()).isEqualTo(400);
        }
    }

    @Nested
    class Passwords {

        @Test
        void accountPasswordsUpTo200CharactersWorkAndEveryCharacterCounts() {
            String user = "pw-" + UUID.randomUUID().toString().substring(0, 8);
            String password = "p".repeat(99) + "!";
            HttpResponse<String> created = adminPost("/api/admin/users",
                    "{\"userId\":\"" + user + "\",\"password\":\"" + password + "\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            assertThat(basicGet(user, password, "/api/me").statusCode()).isEqualTo(200);
            assertThat(basicGet(user, "p".repeat(99) + "?", "/api/me").statusCode())
                    .as("a difference after byte 72 counts").isEqualTo(401);
            assertThat(basicGet(user, "p".repeat(72), "/api/me").statusCode()).isEqualTo(401);

            String longest = "\u00e4".repeat(200);
            HttpResponse<String> changed = owner.send(HttpRequest.newBuilder(owner.app.uri("/api/me/password"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"currentPassword\":\"" + password
                            + "\",\"newPassword\":\"" + longest + "\"}")).build());
            assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
            assertThat(basicGet(user, longest, "/api/me").statusCode()).isEqualTo(200);

            assertBadRequest(adminPost("/api/admin/users", "{\"userId\":\"" + user + "x\",\"password\":\""
                    + "p".repeat(201) + "\"}"), "password");
            assertBadRequest(adminPost("/api/admin/users", "{\"userId\":\"" + user + "y\",\"password\":\"short\"}"),
                    "password");
        }

        @Test
        void linkPasswordsUpTo200CharactersWorkAndEveryCharacterCounts() {
            String id = owner.upload("protected.txt", "secret".getBytes(StandardCharsets.UTF_8));
            String password = "k".repeat(150) + "1";
            HttpResponse<String> link = owner.postJson("/api/files/" + id + "/share",
                    "{\"public\":true,\"password\":\"" + password + "\"}");
            assertThat(link.statusCode()).as(link.body()).isEqualTo(201);
            String url = data(link).get("url").asString();

            HttpResponse<String> right = owner.send(HttpRequest.newBuilder(owner.app.uri(url + "/download"))
                    .header("X-Share-Password", password).GET().build());
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(right.body()).isEqualTo("secret");
            HttpResponse<String> wrong = owner.send(HttpRequest.newBuilder(owner.app.uri(url + "/download"))
                    .header("X-Share-Password", "k".repeat(150) + "2").GET().build());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain(url.substring(3));

            assertBadRequest(owner.postJson("/api/files/" + id + "/share",
                    "{\"public\":true,\"password\":\"" + "k".repeat(201) + "\"}"), "password");
        }
    }

    @Nested
    class Answers {

        @Test
        void aViewerAskingForHistoryIs403AndAStrangerIs404() {
            String id = owner.upload("history.txt", "x".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> shared = owner.postJson("/api/files/" + id + "/share",
                    "{\"userId\":\"" + friend.user + "\",\"role\":\"viewer\"}");
            assertThat(shared.statusCode()).as(shared.body()).isEqualTo(201);

            assertThat(friend.get("/api/files/" + id + "/history").statusCode()).isEqualTo(403);
            assertThat(Api.newUser().get("/api/files/" + id + "/history").statusCode()).isEqualTo(404);
            assertThat(owner.get("/api/files/" + id + "/history").statusCode()).isEqualTo(200);
        }

        @Test
        void tokenListsShowPlainUserIds() {
            String user = "tk-" + UUID.randomUUID().toString().substring(0, 8);
            String password = "a long enough password";
            assertThat(adminPost("/api/admin/users", "{\"userId\":\"" + user + "\",\"password\":\"" + password
                    + "\"}").statusCode()).isEqualTo(201);
            String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> created = owner.send(HttpRequest.newBuilder(owner.app.uri("/api/me/tokens"))
                    .header("Authorization", basic).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\"}")).build());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            HttpResponse<String> badName = owner.send(HttpRequest.newBuilder(owner.app.uri("/api/me/tokens"))
                    .header("Authorization", basic).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"c\\u0000i\"}")).build());
            assertBadRequest(badName, "name");

            HttpResponse<String> listed = basicGet(user, password, "/api/me/tokens");
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(listed.body()).contains("\"userId\":\"" + user + "\"").doesNotContain("\"value\"");
        }
    }

    @Nested
    class EventEvolution {

        /**
         * A revision-1 share event as an earlier version stored it, with an expiry no view can hold, written into
         * the real event store: the upcaster brings it to revision 2, the views show it and it can be revoked.
         */
        @Test
        void anOldRevisionShareEventIsReadBackThroughTheUpcaster() throws Exception {
            String id = owner.upload("evolved.txt", "x".getBytes(StandardCharsets.UTF_8));
            String shareId = "old-" + UUID.randomUUID().toString().substring(0, 8);
            String payload = "{\"fileId\":{\"value\":\"" + id + "\"},\"shareId\":\"" + shareId + "\","
                    + "\"grantee\":{\"value\":\"user:" + friend.user + "\"},\"role\":\"VIEWER\","
                    + "\"expiresAt\":\"+1000000000-12-31T23:59:59Z\",\"by\":{\"value\":\"" + owner.user + "\"}}";
            try (Connection db = RunningApp.database();
                 PreparedStatement insert = db.prepareStatement("""
                         INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier,
                             meta_data, payload, payload_revision, payload_type, time_stamp)
                         SELECT aggregate_identifier, max(sequence_number) + 1, max(type), ?, ?, ?, '1',
                             'io.filestore.command.api.FileSharedEvent', ?
                         FROM domain_event_entry WHERE aggregate_identifier = ? GROUP BY aggregate_identifier""")) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setBytes(2, "{}".getBytes(StandardCharsets.UTF_8));
                insert.setBytes(3, payload.getBytes(StandardCharsets.UTF_8));
                insert.setString(4, Instant.now().toString());
                insert.setString(5, id);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }

            JsonNode share = null;
            for (int i = 0; i < 200 && share == null; i++) {
                for (JsonNode s : data(owner.get("/api/files/" + id + "/shares")).get("shares")) {
                    if (s.get("shareId").asString().equals(shareId)) {
                        share = s;
                    }
                }
                if (share == null) {
                    Thread.sleep(50);
                }
            }
            assertThat(share).as("the old event reached the shares view").isNotNull();
            assertThat(share.get("expiresAt").asString()).isEqualTo("9999-12-31T23:59:59Z");
            int friendSees = friend.get("/api/files/" + id).statusCode();
            for (int i = 0; i < 200 && friendSees != 200; i++) {
                Thread.sleep(50);
                friendSees = friend.get("/api/files/" + id).statusCode();
            }
            assertThat(friendSees).as("the grantee of the old share reads the file").isEqualTo(200);

            HttpResponse<String> revoked = owner.delete("/api/files/" + id + "/share/" + shareId);
            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
            assertThat(friend.get("/api/files/" + id).statusCode()).isEqualTo(404);
        }
    }
}
