package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The plain listings ({@code GET /api/files}, {@code /api/trash}, {@code /api/files/shared}) over HTTP, paged by
 * {@code pagination.nextCursor}: every file once, also when files arrive between pages; a cursor that is not one, is
 * another listing's or another user's, or comes with an offset is a 400 problem; totals are exact up to
 * {@code filestore.listing.exact-total-limit} (5 here) and a flagged estimate beyond it.
 */
class ListingPaginationIT {

    private static RunningApp app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningApp.launch("listing", "256m", Map.of("FILESTORE_LISTING_EXACT_TOTAL_LIMIT", "5"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
    }

    private static Api newUser() {
        return new Api(app, "lp-" + UUID.randomUUID().toString().substring(0, 12));
    }

    private static List<String> upload(Api user, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(user.upload("f" + i + ".txt", ("content " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return ids;
    }

    @Test
    void walksEveryFileOnceByCursorWhileFilesArriveAndFlagsTheEstimatedTotal() {
        Api user = newUser();
        List<String> ids = upload(user, 12);

        List<String> seen = new ArrayList<>();
        JsonNode page = data(user.get("/api/files?limit=5"));
        JsonNode pagination = page.get("pagination");
        assertThat(pagination.get("offset").asInt()).isZero();
        assertThat(pagination.get("totalExact").asBoolean()).isFalse(); // 12 files, exact up to 5
        assertThat(pagination.get("total").asLong()).isGreaterThan(5);
        int pages = 1;
        while (true) {
            page.get("files").forEach(f -> seen.add(f.get("fileId").asString()));
            pagination = page.get("pagination");
            if (!pagination.get("hasMore").asBoolean()) {
                assertThat(pagination.has("nextCursor")).isFalse();
                break;
            }
            user.upload("late" + pages + ".txt", "late".getBytes(StandardCharsets.UTF_8)); // newer: before the walk
            HttpResponse<String> next = user.get("/api/files?limit=5&cursor=" + enc(pagination.get("nextCursor")
                    .asString()));
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
            page = data(next);
            assertThat(page.get("pagination").has("offset")).isFalse();
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void countsASmallListingExactlyAndKeepsOffsetPaging() {
        Api user = newUser();
        List<String> ids = upload(user, 3);

        JsonNode first = data(user.get("/api/files?limit=2&offset=0"));
        assertThat(first.get("pagination").get("total").asLong()).isEqualTo(3);
        assertThat(first.get("pagination").get("totalExact").asBoolean()).isTrue();
        assertThat(first.get("pagination").get("hasMore").asBoolean()).isTrue();
        JsonNode second = data(user.get("/api/files?limit=2&offset=2"));
        assertThat(second.get("files").get(0).get("fileId").asString()).isEqualTo(ids.get(0));
        assertThat(second.get("pagination").get("hasMore").asBoolean()).isFalse();
        // an offset page's nextCursor continues where it ended
        JsonNode byCursor = data(user.get("/api/files?limit=2&cursor="
                + enc(first.get("pagination").get("nextCursor").asString())));
        assertThat(byCursor.get("files").toString()).isEqualTo(second.get("files").toString());
    }

    @Test
    void walksTheTrashAndTheFilesSharedWithTheCaller() {
        Api owner = newUser();
        Api friend = newUser();
        List<String> ids = upload(owner, 7);
        List<String> trashed = new ArrayList<>();
        for (String id : ids.subList(0, 6)) {
            assertThat(owner.delete("/api/files/" + id).statusCode()).isEqualTo(200);
            trashed.add(0, id); // most recently deleted first
        }
        assertThat(walk(owner, "/api/trash?limit=4")).containsExactlyElementsOf(trashed);

        List<String> shared = upload(owner, 6);
        for (String id : shared) {
            HttpResponse<String> share = owner.postJson("/api/files/" + id + "/share",
                    "{\"userId\":\"" + friend.user + "\",\"role\":\"viewer\"}");
            assertThat(share.statusCode()).as(share.body()).isEqualTo(201);
        }
        assertThat(walk(friend, "/api/files/shared?limit=4")).containsExactlyInAnyOrderElementsOf(shared)
                .doesNotHaveDuplicates();
    }

    @Test
    void rejectsCursorsThatAreNotThisListingsOrThisUsers() {
        Api alice = newUser();
        Api bob = newUser();
        List<String> ids = upload(alice, 4);
        alice.delete("/api/files/" + ids.get(0));
        alice.delete("/api/files/" + ids.get(1));
        String cursor = data(alice.get("/api/files?limit=1")).get("pagination").get("nextCursor").asString();
        String trashCursor = data(alice.get("/api/trash?limit=1")).get("pagination").get("nextCursor").asString();

        assertThat(alice.get("/api/files?limit=1&cursor=" + enc(cursor)).statusCode()).isEqualTo(200);
        assertBadCursor(alice.get("/api/files?limit=1&cursor=" + enc(tamper(cursor))));
        assertBadCursor(alice.get("/api/files?limit=1&cursor=" + enc(cursor.substring(0, cursor.length() - 3))));
        assertBadCursor(alice.get("/api/files?cursor=l1.bm90LWEtY3Vyc29y.AAAA"));
        assertBadCursor(alice.get("/api/trash?cursor=not-a-cursor"));
        assertBadCursor(alice.get("/api/files/shared?cursor=" + enc(cursor)));
        assertBadCursor(alice.get("/api/files?cursor=" + enc(trashCursor))); // another listing's
        assertBadCursor(alice.get("/api/trash?cursor=" + enc(cursor)));
        assertBadCursor(bob.get("/api/files?cursor=" + enc(cursor))); // another user's
        assertBadCursor(alice.get("/api/files?offset=0&cursor=" + enc(cursor))); // both ways at once
        assertBadCursor(alice.get("/api/trash?offset=1&cursor=" + enc(trashCursor)));
    }

    private static List<String> walk(Api user, String first) {
        List<String> seen = new ArrayList<>();
        JsonNode page = data(user.get(first));
        for (int i = 0; i < 100; i++) {
            page.get("files").forEach(f -> seen.add(f.get("fileId").asString()));
            JsonNode pagination = page.get("pagination");
            if (!pagination.get("hasMore").asBoolean()) {
                return seen;
            }
            HttpResponse<String> next = user.get(first + "&cursor=" + enc(pagination.get("nextCursor").asString()));
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
            page = data(next);
        }
        throw new AssertionError("the walk does not end");
    }

    private static void assertBadCursor(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(response).path("parameter").asString()).isEqualTo("cursor");
    }

    /** The cursor with one character of its payload changed (a position edited by hand). */
    private static String tamper(String cursor) {
        int at = 5;
        char c = cursor.charAt(at);
        return cursor.substring(0, at) + (c == 'A' ? 'B' : 'A') + cursor.substring(at + 1);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
