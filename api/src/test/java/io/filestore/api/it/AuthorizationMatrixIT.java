package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every endpoint against every kind of caller: anonymous, the owner, an editor, a viewer (through a group), an
 * admin of the file, another user and a system administrator; then public links with and without password,
 * expired and revoked. The list of endpoints is checked against the application's own request mappings, so an
 * endpoint added without being listed here fails the test.
 */
class AuthorizationMatrixIT {

    enum Who { ANONYMOUS, OWNER, EDITOR, VIEWER, FILE_ADMIN, OTHER, SYSTEM_ADMIN }

    /** One endpoint: how to call it against a fresh fixture, and the expected status per caller. */
    record Endpoint(String method, String pattern, boolean destructive, Function<Fixture, String> path,
                    Function<Fixture, HttpRequest.BodyPublisher> body, String contentType, Map<Who, Integer> expected) {
    }

    /** A file shared with the editor, the viewers' group and a file admin. */
    record Fixture(String fileId, String shareId, String tokenId) {
    }

    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String OWNER = "mx-owner-" + RUN;
    private static final String EDITOR = "mx-editor-" + RUN;
    private static final String VIEWER = "mx-viewer-" + RUN;
    private static final String FILE_ADMIN = "mx-fadmin-" + RUN;
    private static final String OTHER = "mx-other-" + RUN;
    private static final String GROUP = "mx-viewers-" + RUN;
    private static final Api HTTP = new Api("unused");

    @BeforeAll
    static void viewerBelongsToTheViewersGroup() {
        HttpResponse<String> created = HTTP.send(admin("/api/admin/users").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + VIEWER + "\",\"password\":\"viewer-password-1\"}"))
                .build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> groups = HTTP.send(admin("/api/admin/users/" + VIEWER + "/groups")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"groups\":[\"" + GROUP + "\"]}")).build());
        assertThat(groups.statusCode()).as(groups.body()).isEqualTo(200);
    }

    private static HttpRequest.Builder admin(String path) {
        return HTTP.app.asAdmin(path);
    }

    private static HttpRequest.Builder as(Who who, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(HTTP.app.uri(path));
        return switch (who) {
            case ANONYMOUS -> request;
            case SYSTEM_ADMIN -> admin(path);
            case OWNER -> request.header("X-User-Id", OWNER);
            case EDITOR -> request.header("X-User-Id", EDITOR);
            case VIEWER -> request.header("X-User-Id", VIEWER);
            case FILE_ADMIN -> request.header("X-User-Id", FILE_ADMIN);
            case OTHER -> request.header("X-User-Id", OTHER);
        };
    }

    private static HttpResponse<String> ownerCall(String method, String path, String json) {
        HttpRequest.Builder request = as(Who.OWNER, path);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static Fixture fixture(boolean trashed) {
        HttpResponse<String> upload = HTTP.send(as(Who.OWNER, "/api/files/upload?name=m.txt")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("matrix")).build());
        assertThat(upload.statusCode()).isEqualTo(201);
        String id = data(upload).get("fileId").asString();
        share(id, "{\"userId\":\"" + EDITOR + "\",\"role\":\"editor\"}");
        share(id, "{\"groupId\":\"" + GROUP + "\",\"role\":\"viewer\"}");
        share(id, "{\"userId\":\"" + FILE_ADMIN + "\",\"role\":\"admin\"}");
        String extra = share(id, "{\"userId\":\"someone-" + RUN + "\",\"role\":\"viewer\"}");
        if (trashed) {
            assertThat(ownerCall("DELETE", "/api/files/" + id, null).statusCode()).isEqualTo(200);
        }
        return new Fixture(id, extra, "none");
    }

    private static String share(String id, String json) {
        HttpResponse<String> shared = ownerCall("POST", "/api/files/" + id + "/share", json);
        assertThat(shared.statusCode()).as(shared.body()).isEqualTo(201);
        return data(shared).get("shareId").asString();
    }

    private static Map<Who, Integer> expect(int anonymous, int owner, int editor, int viewer, int fileAdmin, int other,
                                            int systemAdmin) {
        Map<Who, Integer> map = new LinkedHashMap<>();
        map.put(Who.ANONYMOUS, anonymous);
        map.put(Who.OWNER, owner);
        map.put(Who.EDITOR, editor);
        map.put(Who.VIEWER, viewer);
        map.put(Who.FILE_ADMIN, fileAdmin);
        map.put(Who.OTHER, other);
        map.put(Who.SYSTEM_ADMIN, systemAdmin);
        return map;
    }

    private static Endpoint e(String method, String pattern, boolean destructive, Function<Fixture, String> path,
                              Map<Who, Integer> expected) {
        return new Endpoint(method, pattern, destructive, path, f -> HttpRequest.BodyPublishers.noBody(), null, expected);
    }

    private static Endpoint e(String method, String pattern, boolean destructive, Function<Fixture, String> path,
                              String contentType, String body, Map<Who, Integer> expected) {
        return new Endpoint(method, pattern, destructive, path, f -> HttpRequest.BodyPublishers.ofString(body),
                contentType, expected);
    }

    /** The current instant as a query parameter value. */
    private static String now() {
        return java.net.URLEncoder.encode(java.time.Instant.now().toString(), StandardCharsets.UTF_8);
    }

    /** Any answer but 401, 403 or 404: the caller got through (e.g. 202, or 409 while another backup runs). */
    static final int AUTHORIZED = 0;
    static final Map<Who, Integer> ANY_USER = expect(401, 200, 200, 200, 200, 200, 200);
    static final Map<Who, Integer> READERS = expect(401, 200, 200, 200, 200, 404, 200);
    static final Map<Who, Integer> WRITERS = expect(401, 200, 200, 403, 200, 404, 200);
    static final Map<Who, Integer> FILE_ADMINS = expect(401, 200, 403, 403, 200, 404, 200);
    static final Map<Who, Integer> SYSTEM_ADMINS = expect(401, 403, 403, 403, 403, 403, 200);

    /** Every endpoint of the application; public links (/s/) and account endpoints have their own tests too. */
    static List<Endpoint> endpoints() {
        String json = "application/json";
        return List.of(
                e("GET", "/api/files", false, f -> "/api/files", ANY_USER),
                e("POST", "/api/files/upload", false, f -> "/api/files/upload?name=n.txt", "text/plain", "x",
                        expect(401, 201, 201, 201, 201, 201, 201)),
                e("PUT", "/api/files/upload", false, f -> "/api/files/upload?name=n.txt", "text/plain", "x",
                        expect(401, 201, 201, 201, 201, 201, 201)),
                e("GET", "/api/files/{id}", false, f -> "/api/files/" + f.fileId(), READERS),
                e("GET", "/api/files/{id}/download", false, f -> "/api/files/" + f.fileId() + "/download", READERS),
                e("HEAD", "/api/files/{id}/download", false, f -> "/api/files/" + f.fileId() + "/download", READERS),
                e("PUT", "/api/files/{id}", false, f -> "/api/files/" + f.fileId(), "text/plain", "new", WRITERS),
                e("GET", "/api/files/{id}/versions", false, f -> "/api/files/" + f.fileId() + "/versions", READERS),
                e("POST", "/api/files/{id}/versions/{version}/restore", false,
                        f -> "/api/files/" + f.fileId() + "/versions/1/restore", WRITERS),
                e("GET", "/api/files/{id}/metadata", false, f -> "/api/files/" + f.fileId() + "/metadata", READERS),
                e("POST", "/api/files/{id}/metadata", false, f -> "/api/files/" + f.fileId() + "/metadata", json,
                        "{\"description\":\"d\"}", WRITERS),
                e("DELETE", "/api/files/{id}", true, f -> "/api/files/" + f.fileId(), FILE_ADMINS),
                e("GET", "/api/trash", false, f -> "/api/trash", ANY_USER),
                e("POST", "/api/trash/{id}/restore", true, f -> "/api/trash/" + f.fileId() + "/restore", FILE_ADMINS),
                e("DELETE", "/api/trash/{id}", true, f -> "/api/trash/" + f.fileId(), FILE_ADMINS),
                e("POST", "/api/files/{id}/share", false, f -> "/api/files/" + f.fileId() + "/share", json,
                        "{\"userId\":\"z-" + RUN + "\",\"role\":\"viewer\"}", expect(401, 201, 403, 403, 201, 404, 201)),
                e("GET", "/api/files/{id}/shares", false, f -> "/api/files/" + f.fileId() + "/shares", FILE_ADMINS),
                e("POST", "/api/files/{id}/delivery-url", false, f -> "/api/files/" + f.fileId() + "/delivery-url", json,
                        "{}", READERS),
                e("GET", "/api/admin/cdn", false, f -> "/api/admin/cdn", SYSTEM_ADMINS),
                e("GET", "/api/admin/cluster", false, f -> "/api/admin/cluster", SYSTEM_ADMINS),
                e("POST", "/api/admin/cdn/signing-keys/rotate", false, f -> "/api/admin/cdn/signing-keys/rotate",
                        SYSTEM_ADMINS),
                e("DELETE", "/api/files/{id}/share/{shareId}", true,
                        f -> "/api/files/" + f.fileId() + "/share/" + f.shareId(), FILE_ADMINS),
                e("GET", "/api/files/shared", false, f -> "/api/files/shared", ANY_USER),
                e("GET", "/api/me", false, f -> "/api/me", ANY_USER),
                e("GET", "/api/me/tokens", false, f -> "/api/me/tokens", ANY_USER),
                e("POST", "/api/me/tokens", false, f -> "/api/me/tokens", json, "{}",
                        expect(401, 409, 409, 201, 409, 409, 201)),
                e("DELETE", "/api/me/tokens/{tokenId}", false, f -> "/api/me/tokens/unknown-token-id",
                        expect(401, 409, 409, 404, 409, 409, 404)),
                e("POST", "/api/me/password", false, f -> "/api/me/password", json,
                        "{\"currentPassword\":\"wrong-password\",\"newPassword\":\"0123456789ab\"}",
                        expect(401, 400, 400, 400, 400, 400, 400)),
                e("GET", "/api/admin/users", false, f -> "/api/admin/users", SYSTEM_ADMINS),
                e("POST", "/api/admin/users", false, f -> "/api/admin/users", json, "{\"userId\":\"\"}",
                        expect(401, 403, 403, 403, 403, 403, 400)),
                e("POST", "/api/admin/users/{id}/disable", false, f -> "/api/admin/users/nobody-" + RUN + "/disable",
                        expect(401, 403, 403, 403, 403, 403, 404)),
                e("POST", "/api/admin/users/{id}/enable", false, f -> "/api/admin/users/nobody-" + RUN + "/enable",
                        expect(401, 403, 403, 403, 403, 403, 404)),
                e("POST", "/api/admin/users/{id}/password", false, f -> "/api/admin/users/nobody-" + RUN + "/password",
                        json, "{\"newPassword\":\"0123456789ab\"}", expect(401, 403, 403, 403, 403, 403, 404)),
                e("PUT", "/api/admin/users/{id}/groups", false, f -> "/api/admin/users/nobody-" + RUN + "/groups",
                        json, "{\"groups\":[]}", expect(401, 403, 403, 403, 403, 403, 404)),
                e("OPTIONS", "/api/uploads", false, f -> "/api/uploads", expect(204, 204, 204, 204, 204, 204, 204)),
                e("OPTIONS", "/api/uploads/{id}", false, f -> "/api/uploads/unknown-upload",
                        expect(204, 204, 204, 204, 204, 204, 204)),
                e("GET", "/api/uploads", false, f -> "/api/uploads", ANY_USER),
                e("POST", "/api/uploads", false, f -> "/api/uploads", expect(401, 412, 412, 412, 412, 412, 412)),
                e("HEAD", "/api/uploads/{id}", false, f -> "/api/uploads/unknown-upload",
                        expect(401, 412, 412, 412, 412, 412, 412)),
                e("PATCH", "/api/uploads/{id}", false, f -> "/api/uploads/unknown-upload",
                        expect(401, 412, 412, 412, 412, 412, 412)),
                e("POST", "/api/uploads/{id}", false, f -> "/api/uploads/unknown-upload",
                        expect(401, 405, 405, 405, 405, 405, 405)),
                e("DELETE", "/api/uploads/{id}", false, f -> "/api/uploads/unknown-upload",
                        expect(401, 412, 412, 412, 412, 412, 412)),
                e("GET", "/api/uploads/{id}", false, f -> "/api/uploads/unknown-upload",
                        expect(401, 404, 404, 404, 404, 404, 404)),
                e("POST", "/api/backup/start", false, f -> "/api/backup/start",
                        expect(401, 403, 403, 403, 403, 403, AUTHORIZED)),
                e("GET", "/api/backup", false, f -> "/api/backup", SYSTEM_ADMINS),
                e("GET", "/api/backup/status", false, f -> "/api/backup/status", SYSTEM_ADMINS),
                e("GET", "/api/backup/{id}", false, f -> "/api/backup/no-such-backup",
                        expect(401, 403, 403, 403, 403, 403, 404)),
                e("DELETE", "/api/backup/{id}", false, f -> "/api/backup/no-such-backup",
                        expect(401, 403, 403, 403, 403, 403, 404)),
                e("POST", "/api/backup/restore", false, f -> "/api/backup/restore", json, "{}",
                        expect(401, 403, 403, 403, 403, 403, 400)),
                e("GET", "/api/backup/restores/{id}", false, f -> "/api/backup/restores/no-such-restore",
                        expect(401, 403, 403, 403, 403, 403, 404)),
                e("GET", "/api/admin/projections", false, f -> "/api/admin/projections", SYSTEM_ADMINS),
                e("GET", "/api/admin/projections/digest", false, f -> "/api/admin/projections/digest", SYSTEM_ADMINS),
                e("POST", "/api/admin/projections/{name}/rebuild", false,
                        f -> "/api/admin/projections/no-such-projection/rebuild", expect(401, 403, 403, 403, 403, 403, 404)),
                e("GET", "/api/admin/dead-letters", false, f -> "/api/admin/dead-letters", SYSTEM_ADMINS),
                e("POST", "/api/admin/dead-letters/{processor}/{sequence}/retry", false,
                        f -> "/api/admin/dead-letters/metadata/" + f.fileId() + "/retry",
                        expect(401, 403, 403, 403, 403, 403, 404)),
                e("DELETE", "/api/admin/dead-letters/{processor}/{sequence}", false,
                        f -> "/api/admin/dead-letters/metadata/" + f.fileId(), expect(401, 403, 403, 403, 403, 403, 404)),
                e("GET", "/api/files/{id}/history", false, f -> "/api/files/" + f.fileId() + "/history",
                        expect(401, 200, 403, 403, 200, 404, 200)),
                e("GET", "/api/audit", false, f -> "/api/audit", SYSTEM_ADMINS),
                e("GET", "/api/files/search", false, f -> "/api/files/search?q=matrix", ANY_USER),
                e("GET", "/api/admin/search", false, f -> "/api/admin/search", SYSTEM_ADMINS),
                e("POST", "/api/admin/search/rebuild", false, f -> "/api/admin/search/rebuild",
                        expect(401, 403, 403, 403, 403, 403, AUTHORIZED)),
                // time travel: the same endpoints as of an instant (now, once the fixture exists), and the history
                e("GET", "/api/files", false, f -> "/api/files?asOf=" + now(), ANY_USER),
                e("GET", "/api/files/{id}", false, f -> "/api/files/" + f.fileId() + "?asOf=" + now(), READERS),
                e("GET", "/api/files/{id}/versions", false, f -> "/api/files/" + f.fileId() + "/versions?asOf=" + now(),
                        READERS),
                e("GET", "/api/files/{id}/metadata", false, f -> "/api/files/" + f.fileId() + "/metadata?asOf=" + now(),
                        READERS),
                e("GET", "/api/files/{id}/download", false,
                        f -> "/api/files/" + f.fileId() + "/download?asOf=" + now(), READERS),
                e("HEAD", "/api/files/{id}/download", false,
                        f -> "/api/files/" + f.fileId() + "/download?asOf=" + now(), READERS),
                e("GET", "/api/files/{id}/shares", false, f -> "/api/files/" + f.fileId() + "/shares?asOf=" + now(),
                        FILE_ADMINS),
                e("GET", "/api/files/{id}/access", false, f -> "/api/files/" + f.fileId() + "/access?at=" + now(),
                        FILE_ADMINS),
                e("GET", "/api/files/changes", false, f -> "/api/files/changes?since=2020-01-01T00:00:00Z", ANY_USER),
                e("GET", "/api/admin/access", false, f -> "/api/admin/access?user=" + OWNER + "&at=" + now(),
                        SYSTEM_ADMINS),
                e("GET", "/api/admin/audit/export", false, f -> "/api/admin/audit/export?from="
                        + java.net.URLEncoder.encode(java.time.Instant.now().minusSeconds(60).toString(),
                        StandardCharsets.UTF_8), SYSTEM_ADMINS),
                e("POST", "/api/admin/audit/verify", false, f -> "/api/admin/audit/verify", "application/x-ndjson", "",
                        SYSTEM_ADMINS),

                e("GET", "/api/admin/storage/scrub", false, f -> "/api/admin/storage/scrub", SYSTEM_ADMINS),
                e("POST", "/api/admin/storage/scrub", false, f -> "/api/admin/storage/scrub",
                        expect(401, 403, 403, 403, 403, 403, 202)),
                e("GET", "/api/admin/storage/nodes", false, f -> "/api/admin/storage/nodes", SYSTEM_ADMINS),
                e("POST", "/api/admin/storage/nodes/{id}/drain", false, f -> "/api/admin/storage/nodes/node-9/drain",
                        expect(401, 403, 403, 403, 403, 403, 404)),
                e("POST", "/api/admin/storage/nodes/{id}/read-only", false,
                        f -> "/api/admin/storage/nodes/node-9/read-only", expect(401, 403, 403, 403, 403, 403, 404)),
                e("POST", "/api/admin/storage/nodes/{id}/up", false, f -> "/api/admin/storage/nodes/node-9/up",
                        expect(401, 403, 403, 403, 403, 403, 404)),
                e("POST", "/api/admin/storage/nodes", false, f -> "/api/admin/storage/nodes", json, "{}",
                        expect(401, 403, 403, 403, 403, 403, 400)),
                e("DELETE", "/api/admin/storage/nodes/{id}", false, f -> "/api/admin/storage/nodes/node-9",
                        expect(401, 403, 403, 403, 403, 403, 404)),
                e("GET", "/api/admin/storage/rebalance", false, f -> "/api/admin/storage/rebalance", SYSTEM_ADMINS),
                e("POST", "/api/admin/storage/rebalance", false, f -> "/api/admin/storage/rebalance",
                        expect(401, 403, 403, 403, 403, 403, 202)),
                e("GET", "/api/admin/encryption", false, f -> "/api/admin/encryption", SYSTEM_ADMINS),
                e("POST", "/api/admin/encryption/rotate", false, f -> "/api/admin/encryption/rotate",
                        expect(401, 403, 403, 403, 403, 403, 202)),
                e("POST", "/api/admin/encryption/rewrap", false, f -> "/api/admin/encryption/rewrap",
                        expect(401, 403, 403, 403, 403, 403, 202)),
                e("DELETE", "/api/admin/encryption/keys/{id}", false, f -> "/api/admin/encryption/keys/12345",
                        expect(401, 403, 403, 403, 403, 403, 404)),
                e("GET", "/health", false, f -> "/health", expect(200, 200, 200, 200, 200, 200, 200)),
                e("GET", "/s/{token}", false, f -> "/s/" + "x".repeat(43), expect(404, 404, 404, 404, 404, 404, 404)),
                e("POST", "/s/{token}", false, f -> "/s/" + "x".repeat(43), expect(404, 404, 404, 404, 404, 404, 404)),
                e("GET", "/s/{token}/download", false, f -> "/s/" + "x".repeat(43) + "/download",
                        expect(404, 404, 404, 404, 404, 404, 404)),
                e("HEAD", "/s/{token}/download", false, f -> "/s/" + "x".repeat(43) + "/download",
                        expect(404, 404, 404, 404, 404, 404, 404)),
                e("POST", "/s/{token}/download", false, f -> "/s/" + "x".repeat(43) + "/download",
                        expect(404, 404, 404, 404, 404, 404, 404)));
    }

    @Test
    void everyEndpointAnswersEveryCallerAsSpecified() {
        List<String> failures = new ArrayList<>();
        // Rows that change nothing irreversibly share one file; a destructive row gives every caller expected to
        // succeed a file of their own, and lets all refused callers (whose calls change nothing) share one.
        Fixture live = fixture(false);
        for (Endpoint endpoint : endpoints()) {
            boolean trashed = endpoint.pattern().startsWith("/api/trash/");
            Fixture refused = endpoint.destructive() ? fixture(trashed) : live;
            for (Map.Entry<Who, Integer> expectation : endpoint.expected().entrySet()) {
                int expected = expectation.getValue();
                boolean succeeds = expected != 401 && expected != 403 && expected != 404;
                Fixture fixture = endpoint.destructive() && succeeds ? fixture(trashed) : refused;
                HttpRequest.Builder request = as(expectation.getKey(), endpoint.path().apply(fixture));
                if (endpoint.contentType() != null) {
                    request.header("Content-Type", endpoint.contentType());
                }
                HttpResponse<String> response = HTTP.send(request.method(endpoint.method(),
                        endpoint.body().apply(fixture)).build());
                boolean matches = expected == AUTHORIZED
                        ? response.statusCode() != 401 && response.statusCode() != 403 && response.statusCode() != 404
                        : response.statusCode() == expected;
                if (!matches) {
                    failures.add(endpoint.method() + " " + endpoint.pattern() + " as " + expectation.getKey()
                            + ": expected " + expected + ", got " + response.statusCode() + " "
                            + response.body());
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void everyEndpointOfTheApplicationIsInTheMatrix() {
        HttpResponse<String> mappings = HTTP.send(admin("/actuator/mappings").GET().build());
        assertThat(mappings.statusCode()).isEqualTo(200);
        Set<String> exposed = new LinkedHashSet<>();
        collect(Api.JSON.readTree(mappings.body()), exposed);
        Set<String> listed = new LinkedHashSet<>();
        for (Endpoint endpoint : endpoints()) {
            listed.add(endpoint.method() + " " + endpoint.pattern());
        }
        Set<String> unlisted = new LinkedHashSet<>(exposed);
        unlisted.removeAll(listed);

        assertThat(exposed).as("the mappings were read").isNotEmpty();
        assertThat(unlisted).as("endpoints missing from the authorization matrix").isEmpty();
    }

    /** Collects "METHOD /pattern" of every request mapping under /api and /s in the actuator's mappings. */
    private static void collect(JsonNode node, Set<String> into) {
        if (node.isObject() && node.has("requestMappingConditions")) {
            JsonNode conditions = node.get("requestMappingConditions");
            for (JsonNode pattern : conditions.get("patterns")) {
                String p = pattern.asString();
                if (p.startsWith("/api") || p.startsWith("/s/") || p.equals("/health")) {
                    for (JsonNode method : conditions.get("methods")) {
                        into.add(method.asString() + " " + p);
                    }
                }
            }
        }
        for (JsonNode child : node) {
            collect(child, into);
        }
    }
}
