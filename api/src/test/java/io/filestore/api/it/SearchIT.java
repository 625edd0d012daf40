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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Search and filtered listings over HTTP against the running application, PostgreSQL and Elasticsearch. */
class SearchIT {

    private final Api alice = Api.newUser();
    private final Api bob = Api.newUser();

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static JsonNode upload(Api user, String name, String type, int size, String metadataJson) {
        HttpResponse<String> response = user.uploadMultipart(name, type, new byte[size], metadataJson);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return data(response);
    }

    static List<String> names(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        data(response).get("files").forEach(file -> names.add(file.get("name").asString()));
        return names;
    }

    static List<String> ids(HttpResponse<String> response) {
        List<String> ids = new ArrayList<>();
        data(response).get("files").forEach(file -> ids.add(file.get("fileId").asString()));
        return ids;
    }

    static void assertBadParameter(HttpResponse<String> response, String parameter) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response).get("parameter").asString()).isEqualTo(parameter);
    }

    @Nested
    class ReadYourWrites {

        @Test
        void anUploadIsFoundByItsUploaderRightAfterThe201() {
            for (int i = 0; i < 5; i++) {
                String word = "zephyr" + i + "x" + System.nanoTime();
                String id = upload(alice, word + ".txt", "text/plain", 3, "{\"tags\":[\"ryw\"]}").get("fileId")
                        .asString();

                assertThat(ids(alice.get("/api/files/search?q=" + word))).containsExactly(id);
                assertThat(ids(alice.get("/api/files?tags=ryw"))).contains(id);
            }
        }

        @Test
        void renamesDeletesAndRestoresAreVisibleRightAway() {
            String id = upload(alice, "draft-quokka.txt", "text/plain", 3, null).get("fileId").asString();

            alice.postJson("/api/files/" + id + "/metadata", "{\"name\":\"final-wombat.txt\"}");
            assertThat(ids(alice.get("/api/files/search?q=wombat"))).containsExactly(id);
            assertThat(ids(alice.get("/api/files/search?q=quokka"))).isEmpty();

            assertThat(alice.delete("/api/files/" + id).statusCode()).isEqualTo(200);
            assertThat(ids(alice.get("/api/files/search?q=wombat"))).isEmpty();

            assertThat(alice.post("/api/trash/" + id + "/restore").statusCode()).isEqualTo(200);
            HttpResponse<String> back = alice.get("/api/files/search?q=wombat");
            assertThat(ids(back)).containsExactly(id);
            assertThat(data(back).get("files").get(0).get("name").asString()).isEqualTo("final-wombat.txt");
        }

        @Test
        void aNewVersionIsSearchableWithItsNewSizeAndType() {
            String id = upload(alice, "versioned-ibex.txt", "text/plain", 3, null).get("fileId").asString();

            alice.send(alice.request("/api/files/" + id).header("Content-Type", "image/png")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[5000])).build());

            JsonNode hit = data(alice.get("/api/files?mimeType=image/png&minSize=5000")).get("files").get(0);
            assertThat(hit.get("fileId").asString()).isEqualTo(id);
            assertThat(hit.get("version").asInt()).isEqualTo(2);
        }
    }

    @Nested
    class Searching {

        @Test
        void answersRankedHitsWithHighlightsInTheSeedShape() {
            upload(alice, "annual_report.pdf", "application/pdf", 10, "{\"description\":\"numbers\"}");
            upload(alice, "summary.txt", "text/plain", 10, "{\"description\":\"the annual report in short\"}");

            HttpResponse<String> response = alice.get("/api/files/search?q=report");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("success").asBoolean()).isTrue();
            JsonNode body = data(response);
            assertThat(body.get("query").asString()).isEqualTo("report");
            assertThat(names(response)).containsExactly("annual_report.pdf", "summary.txt");
            JsonNode first = body.get("files").get(0);
            assertThat(first.get("highlights").get("name").get(0).asString()).isEqualTo("annual_<em>report</em>.pdf");
            assertThat(first.get("score").asDouble()).isGreaterThan(body.get("files").get(1).get("score").asDouble());
            assertThat(first.get("checksum").asString()).startsWith("sha256:");
            assertThat(first.get("url").asString()).endsWith("/download");
            assertThat(body.get("files").get(1).get("highlights").get("description").get(0).asString())
                    .isEqualTo("the annual <em>report</em> in short");
            JsonNode pagination = body.get("pagination");
            assertThat(pagination.get("total").asLong()).isEqualTo(2);
            assertThat(pagination.get("totalRelation").asString()).isEqualTo("eq");
            assertThat(pagination.get("hasMore").asBoolean()).isFalse();
            assertThat(pagination.get("limit").asInt()).isEqualTo(20);
        }

        @Test
        void toleratesTyposAndCompletesPrefixes() {
            upload(alice, "kilimanjaro-trip.jpg", "image/jpeg", 10, null);

            assertThat(names(alice.get("/api/files/search?q=kilimanjaor"))).containsExactly("kilimanjaro-trip.jpg");
            assertThat(names(alice.get("/api/files/search?q=kilim"))).containsExactly("kilimanjaro-trip.jpg");
            assertThat(names(alice.get("/api/files/search?q=" + enc("kilimanjaro tr"))))
                    .containsExactly("kilimanjaro-trip.jpg");
        }

        @Test
        void neverShowsAnotherUsersFiles() {
            upload(alice, "secret-plans.txt", "text/plain", 10, "{\"tags\":[\"shared-tag\"]}");
            upload(bob, "bobs-plans.txt", "text/plain", 10, "{\"tags\":[\"shared-tag\"]}");

            assertThat(names(bob.get("/api/files/search?q=plans"))).containsExactly("bobs-plans.txt");
            assertThat(names(bob.get("/api/files?tags=shared-tag"))).containsExactly("bobs-plans.txt");
            assertThat(names(bob.get("/api/files?owner=" + alice.user))).isEmpty();
            assertThat(names(bob.get("/api/files?sort=name"))).containsExactly("bobs-plans.txt");
            assertThat(names(bob.get("/api/files/search?q=secret"))).isEmpty();
        }
    }

    @Nested
    class FilteringAndSorting {

        @Test
        void appliesEveryFilterAndTheirCombination() {
            JsonNode a = upload(alice, "a.pdf", "application/pdf", 100,
                    "{\"tags\":[\"Tax\",\"2024\"],\"folder\":\"/finance\"}");
            JsonNode b = upload(alice, "b.png", "image/png", 2000, "{\"tags\":[\"tax\"],\"folder\":\"/finance/scans\"}");
            JsonNode c = upload(alice, "c.jpg", "image/jpeg", 30000, "{\"folder\":\"/photos\"}");
            JsonNode d = upload(alice, "d.txt", "text/plain", 5, null);
            alice.postJson("/api/files/" + d.get("fileId").asString() + "/metadata", "{\"description\":\"edited\"}");
            String updated = data(alice.get("/api/files/" + d.get("fileId").asString())).get("updatedAt").asString();

            assertThat(names(alice.get("/api/files?tags=TAX&sort=name"))).containsExactly("a.pdf", "b.png");
            assertThat(names(alice.get("/api/files?tags=tax,2024"))).containsExactly("a.pdf");
            assertThat(names(alice.get("/api/files?tags=tax&tags=2024"))).containsExactly("a.pdf");
            assertThat(names(alice.get("/api/files?folder=/finance&sort=name"))).containsExactly("a.pdf", "b.png");
            assertThat(names(alice.get("/api/files?folder=/finance&recursive=false"))).containsExactly("a.pdf");
            assertThat(names(alice.get("/api/files?mimeType=" + enc("image/*") + "&sort=name")))
                    .containsExactly("b.png", "c.jpg");
            assertThat(names(alice.get("/api/files?mimeType=image/jpeg"))).containsExactly("c.jpg");
            assertThat(names(alice.get("/api/files?minSize=100&maxSize=2000&sort=name")))
                    .containsExactly("a.pdf", "b.png");
            assertThat(names(alice.get("/api/files?createdAfter=" + enc(b.get("createdAt").asString())
                    + "&createdBefore=" + enc(d.get("createdAt").asString()) + "&sort=name")))
                    .containsExactly("b.png", "c.jpg");
            assertThat(names(alice.get("/api/files?updatedAfter=" + enc(updated)))).containsExactly("d.txt");
            assertThat(names(alice.get("/api/files?createdAfter=2000-01-01&createdBefore=2000-01-02"))).isEmpty();
            assertThat(names(alice.get("/api/files?owner=" + alice.user + "&tags=tax&mimeType=" + enc("image/*")
                    + "&folder=/finance&maxSize=5000"))).containsExactly("b.png");
            assertThat(names(alice.get("/api/files/search?q=a&folder=/finance&tags=2024"))).containsExactly("a.pdf");
            assertThat(a.get("fileId").asString()).isNotEqualTo(c.get("fileId").asString());
        }

        @Test
        void sortsByEachFieldBothWays() {
            upload(alice, "Beta.txt", "text/plain", 300, null);
            upload(alice, "alpha.txt", "text/plain", 100, null);
            upload(alice, "gamma.txt", "text/plain", 200, null);

            assertThat(names(alice.get("/api/files?sort=name"))).containsExactly("alpha.txt", "Beta.txt", "gamma.txt");
            assertThat(names(alice.get("/api/files?sort=name:desc")))
                    .containsExactly("gamma.txt", "Beta.txt", "alpha.txt");
            assertThat(names(alice.get("/api/files?sort=size:asc")))
                    .containsExactly("alpha.txt", "gamma.txt", "Beta.txt");
            assertThat(names(alice.get("/api/files?sort=size"))).containsExactly("Beta.txt", "gamma.txt", "alpha.txt");
            assertThat(names(alice.get("/api/files?sort=createdAt:asc")))
                    .containsExactly("Beta.txt", "alpha.txt", "gamma.txt");
            assertThat(names(alice.get("/api/files?sort=updatedAt")))
                    .containsExactly("gamma.txt", "alpha.txt", "Beta.txt");
        }

        @Test
        void pagesWithACursorWithoutDuplicatesOrGaps() {
            Set<String> uploaded = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                uploaded.add(upload(alice, "page-" + (i % 4) + ".txt", "text/plain", i % 2, null).get("fileId")
                        .asString());
            }
            List<String> seen = new ArrayList<>();
            String next = "/api/files?sort=name&limit=5";
            int pages = 0;
            while (next != null) {
                HttpResponse<String> page = alice.get(next);
                seen.addAll(ids(page));
                JsonNode pagination = data(page).get("pagination");
                assertThat(pagination.get("total").asLong()).isEqualTo(12);
                next = pagination.get("hasMore").asBoolean()
                        ? "/api/files?sort=name&limit=5&cursor=" + pagination.get("nextCursor").asString() : null;
                pages++;
            }

            assertThat(pages).isEqualTo(3);
            assertThat(seen).hasSize(12).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(uploaded);
            assertThat(ids(alice.get("/api/files?sort=name&limit=5&offset=5"))).isEqualTo(seen.subList(5, 10));
        }

        @Test
        void countsFacets() {
            upload(alice, "x.png", "image/png", 1, "{\"tags\":[\"red\",\"blue\"],\"folder\":\"/art\"}");
            upload(alice, "y.png", "image/png", 1, "{\"tags\":[\"Red\"],\"folder\":\"/art\"}");
            upload(alice, "z.txt", "text/plain", 1, "{\"folder\":\"/notes\"}");

            JsonNode facets = data(alice.get("/api/files?facets=tags,mimeType,folder&limit=1")).get("facets");

            assertThat(facets.get("tags").toString())
                    .isEqualTo("[{\"value\":\"red\",\"count\":2},{\"value\":\"blue\",\"count\":1}]");
            assertThat(facets.get("mimeType").toString())
                    .isEqualTo("[{\"value\":\"image/png\",\"count\":2},{\"value\":\"text/plain\",\"count\":1}]");
            assertThat(facets.get("folder").toString())
                    .isEqualTo("[{\"value\":\"/art\",\"count\":2},{\"value\":\"/notes\",\"count\":1}]");
            JsonNode searched = data(alice.get("/api/files/search?q=png&facets=mimeType")).get("facets");
            assertThat(searched.get("mimeType").toString()).isEqualTo("[{\"value\":\"image/png\",\"count\":2}]");
            assertThat(searched.has("tags")).isFalse();
        }

        @Test
        void plainListingStillComesFromTheMetadataView() {
            upload(alice, "one.txt", "text/plain", 1, null);

            JsonNode pagination = data(alice.get("/api/files?limit=5")).get("pagination");

            assertThat(pagination.get("total").asLong()).isEqualTo(1);
            assertThat(pagination.has("totalRelation")).isFalse();
        }
    }

    @Nested
    class BadRequests {

        @Test
        void nameTheOffendingParameter() {
            assertBadParameter(alice.get("/api/files/search"), "q");
            assertBadParameter(alice.get("/api/files/search?q=%20"), "q");
            assertBadParameter(alice.get("/api/files/search?q=" + "x".repeat(300)), "q");
            assertBadParameter(alice.get("/api/files?sort=colour"), "sort");
            assertBadParameter(alice.get("/api/files?sort=name:sideways"), "sort");
            assertBadParameter(alice.get("/api/files?sort=relevance"), "sort");
            assertBadParameter(alice.get("/api/files?minSize=-1"), "minSize");
            assertBadParameter(alice.get("/api/files?maxSize=ten"), "maxSize");
            assertBadParameter(alice.get("/api/files?minSize=10&maxSize=5"), "maxSize");
            assertBadParameter(alice.get("/api/files?createdAfter=yesterday"), "createdAfter");
            assertBadParameter(alice.get("/api/files?updatedBefore=2024-13-01"), "updatedBefore");
            assertBadParameter(alice.get("/api/files/search?q=a&limit=1000"), "limit");
            assertBadParameter(alice.get("/api/files?tags=a&limit=0"), "limit");
            assertBadParameter(alice.get("/api/files?tags=a&offset=9990"), "offset");
            assertBadParameter(alice.get("/api/files?cursor=not-a-cursor"), "cursor");
            assertBadParameter(alice.get("/api/files?facets=colour"), "facets");
            assertBadParameter(alice.get("/api/files?recursive=maybe"), "recursive");
            assertBadParameter(alice.get("/api/files?mimeType=image"), "mimeType");
            assertBadParameter(alice.get("/api/files?folder=" + enc("/a/../b")), "folder");
            assertBadParameter(alice.get("/api/files?owner=" + enc("bad user")), "owner");
            assertBadParameter(alice.get("/api/files?tags=a&tags=" + "t".repeat(65)), "tags");
            assertBadParameter(alice.get("/api/files?sort=name&sort=size"), "sort");
        }

        @Test
        void aCursorOnlyFitsItsOwnSort() {
            upload(alice, "c1.txt", "text/plain", 1, null);
            upload(alice, "c2.txt", "text/plain", 1, null);
            String cursor = data(alice.get("/api/files?sort=name&limit=1")).get("pagination").get("nextCursor")
                    .asString();

            assertBadParameter(alice.get("/api/files?sort=size&limit=1&cursor=" + cursor), "cursor");
            assertBadParameter(alice.get("/api/files?sort=name&limit=1&offset=1&cursor=" + cursor), "offset");
            assertThat(names(alice.get("/api/files?limit=1&cursor=" + cursor))).containsExactly("c2.txt");
        }

        @Test
        void searchNeedsACaller() {
            HttpResponse<String> response = alice.send(HttpRequest.newBuilder(alice.app.uri("/api/files/search?q=x"))
                    .GET().build());

            assertThat(response.statusCode()).isEqualTo(401);
        }
    }

    @Nested
    class Rebuild {

        private final Api admin = new Api(RunningApp.ADMIN);

        @Test
        void onlyAdministratorsMayRebuild() {
            assertThat(alice.post("/api/admin/search/rebuild").statusCode()).isEqualTo(403);
            assertThat(alice.get("/api/admin/search").statusCode()).isEqualTo(403);
            assertThat(admin.get("/api/admin/search").statusCode()).isEqualTo(200);
        }

        @Test
        void searchesKeepAnsweringInFullWhileTheIndexIsRebuilt() throws Exception {
            for (int i = 0; i < 20; i++) {
                upload(alice, "rebuild-" + i + ".txt", "text/plain", 1, null);
            }
            String before = data(admin.get("/api/admin/search")).get("servingIndex").asString();
            List<Long> totals = Collections.synchronizedList(new ArrayList<>());
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            Thread searcher = new Thread(() -> {
                while (!stop.get()) {
                    HttpResponse<String> page = alice.get("/api/files/search?q=rebuild&limit=1");
                    statuses.add(page.statusCode());
                    if (page.statusCode() == 200) {
                        totals.add(data(page).get("pagination").get("total").asLong());
                    }
                }
            });
            searcher.start();
            Thread.sleep(300);

            HttpResponse<String> started = admin.post("/api/admin/search/rebuild");
            boolean rebuilding = true;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (rebuilding && System.nanoTime() < deadline) {
                Thread.sleep(100);
                rebuilding = data(admin.get("/api/admin/search")).get("rebuilding").asBoolean();
            }
            Thread.sleep(300);
            stop.set(true);
            searcher.join();

            assertThat(started.statusCode()).isEqualTo(202);
            assertThat(data(started).get("rebuilding").asBoolean()).isTrue();
            assertThat(rebuilding).as("rebuild completed").isFalse();
            JsonNode status = data(admin.get("/api/admin/search"));
            assertThat(status.get("servingIndex").asString()).isNotEqualTo(before);
            assertThat(status.get("lastCompletedAt").isNull()).isFalse();
            assertThat(statuses).isNotEmpty().allMatch(code -> code == 200);
            assertThat(totals).hasSizeGreaterThan(3).allMatch(total -> total == 20);
            assertThat(ids(alice.get("/api/files/search?q=rebuild&limit=100"))).hasSize(20);
        }
    }
}
