package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A bounded fuzz run with a fixed seed (so a failure repeats): a few hundred requests with hostile names, JSON
 * bodies and query parameters. None may answer a server error, and none may take longer than
 * {@link #SLOW} (generous: the test machines are shared). After the run no processor may be behind or failing, and
 * no event of the fuzzed files may be parked: this run plants none on purpose, so any parked letter is an event that
 * a hostile input let through and a view could not apply.
 */
class FuzzEdgesIT {

    private static final long SEED = 20261204L;
    private static final int ROUNDS = 100;
    private static final Duration SLOW = Duration.ofSeconds(10);

    private static final String[] PIECES = {"a", "Z", "0", ".", "..", " ", "/", "\\", "%", "%25", "%zz", "+", "&", "=",
            "?", "#", ":", "*", "\"", "'", "<", ">", "|", "\t", "\n", "\r", "\u0000", "\u0001", "\u001b", "\u007f",
            "\u0085", "\u009f", "\u200b", "\u200d", "\u202e", "\u2066", "\u2028", "\ufeff", "\ufffd", "\uffff",
            "\uD83D\uDE00", "\u00e4", "\u65e5", "CON", "nul", "COM1", "LPT9", ".txt", "~", "$", "{", "}", "[", "]",
            "-999999999", "+1000000000", "9999999999999999999999", "1e309", "NaN", "null", "true"};
    private static final String[] FIELDS = {"userId", "groupId", "grantee", "role", "public", "password",
            "maxDownloads", "expiresAt", "expiresInSeconds", "name", "description", "tags", "folder", "attributes",
            "mimeType", "changeLog", "unknown", "__proto__", "", "x".repeat(300)};
    private static final String[] PARAMS = {"q", "tags", "tag", "folder", "recursive", "mimeType", "minSize", "maxSize",
            "createdAfter", "createdBefore", "updatedAfter", "updatedBefore", "owner", "sort", "cursor", "facets",
            "facetSize", "offset", "limit", "direction", "version", "from", "to", "actor", "type", "fileId", "junk"};
    private static final String[] INSTANTS = {"2026-01-01", "2026-01-01T00:00:00Z", "+1000000000-12-31T23:59:59Z",
            "-999999999-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z",
            "2026-13-45", "2026-01-01T25:61:61+99:00", "", "now"};

    private final Random random = new Random(SEED);
    private final Api user = Api.newUser();
    private final List<String> failures = new ArrayList<>();
    /** Every file this run created (their events are the ones that must not be parked). */
    private final java.util.Set<String> files = new java.util.HashSet<>();

    private String text(int maxPieces) {
        StringBuilder s = new StringBuilder();
        int n = 1 + random.nextInt(maxPieces);
        for (int i = 0; i < n; i++) {
            s.append(PIECES[random.nextInt(PIECES.length)]);
        }
        if (random.nextInt(20) == 0) {
            s.append("x".repeat(random.nextInt(5000)));
        }
        return s.toString();
    }

    /** A JSON string literal, escaped the JSON way (a lone surrogate becomes a {@code \\u} escape). */
    private static String jsonString(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private String jsonValue(int depth) {
        return switch (random.nextInt(depth > 1 ? 8 : 10)) {
            case 0 -> String.valueOf(random.nextLong());
            case 1 -> List.of("0", "-1", "1", "4294967297", "1000000", "1000001", "1e309", "1.5", "-0")
                    .get(random.nextInt(9));
            case 2 -> jsonString(text(6));
            case 3 -> jsonString(INSTANTS[random.nextInt(INSTANTS.length)]);
            case 4 -> random.nextBoolean() ? "true" : "null";
            case 5 -> jsonString(List.of("viewer", "editor", "admin", "owner", "VIEWER").get(random.nextInt(5)));
            case 6, 7 -> jsonString(PIECES[random.nextInt(PIECES.length)]);
            case 8 -> "[" + jsonValue(depth + 1) + "," + jsonValue(depth + 1) + "]";
            default -> "{" + jsonString(FIELDS[random.nextInt(FIELDS.length)]) + ":" + jsonValue(depth + 1) + "}";
        };
    }

    private String jsonBody() {
        if (random.nextInt(15) == 0) {
            return List.of("", "{", "[]", "null", "\"x\"", "{\"a\":}", "{\"a\":1,}").get(random.nextInt(7));
        }
        StringBuilder body = new StringBuilder("{");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            body.append(i > 0 ? "," : "").append(jsonString(FIELDS[random.nextInt(FIELDS.length)])).append(':')
                    .append(jsonValue(0));
        }
        return body.append('}').toString();
    }

    private String query() {
        StringBuilder q = new StringBuilder();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            String name = PARAMS[random.nextInt(PARAMS.length)];
            String value = switch (random.nextInt(4)) {
                case 0 -> INSTANTS[random.nextInt(INSTANTS.length)];
                case 1 -> String.valueOf(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(20_000) - 100);
                default -> text(4);
            };
            q.append(i > 0 ? "&" : "").append(name).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    private void check(String what, Supplier<HttpResponse<String>> call) {
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            failures.add(what + ": " + e);
            return;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (response.statusCode() >= 500) {
            failures.add(what + ": " + response.statusCode() + " " + response.body());
        }
        if (took.compareTo(SLOW) > 0) {
            failures.add(what + ": took " + took.toMillis() + " ms");
        }
    }

    @Test
    void hostileNamesBodiesAndParametersNeverAnswerAServerError() {
        String id = user.upload("fuzz-target.txt", "fuzz".getBytes(StandardCharsets.UTF_8));
        files.add(id);
        for (int round = 0; round < ROUNDS; round++) {
            String name = text(5);
            check("upload named " + jsonString(name), () -> {
                HttpResponse<String> response = user.uploadMultipart("f.txt", "text/plain",
                        "x".getBytes(StandardCharsets.UTF_8), "{\"name\":" + jsonString(name) + "}");
                if (response.statusCode() == 201) {
                    files.add(data(response).get("fileId").asString());
                }
                return response;
            });

            String share = jsonBody();
            check("share " + share, () -> user.postJson("/api/files/" + id + "/share", share));

            String metadata = jsonBody();
            check("metadata " + metadata, () -> user.postJson("/api/files/" + id + "/metadata", metadata));

            String path = List.of("/api/files?", "/api/files/search?q=a&", "/api/files/shared?",
                    "/api/files/" + id + "/history?", "/api/trash?", "/api/files/" + id + "/download?")
                    .get(random.nextInt(6)) + query();
            check("GET " + path, () -> user.send(user.request(path).GET().build()));
        }
        assertThat(failures).as("requests answered 5xx or slower than " + SLOW).isEmpty();
        // the service still works after the run
        assertThat(data(user.get("/api/files/" + id)).get("fileId").asString()).isEqualTo(id);
        assertNoProcessorBehindAndNothingParked();
    }

    /** Every processor catches up without an error, and none parked an event of a file this run made. */
    private void assertNoProcessorBehindAndNothingParked() {
        Api admin = new Api(RunningApp.ADMIN);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<String> behind;
        do {
            behind = new ArrayList<>();
            for (tools.jackson.databind.JsonNode projection : data(admin.get("/api/admin/projections"))
                    .get("projections")) {
                if (!projection.get("caughtUp").asBoolean() || !projection.path("error").isNull()
                        && !projection.path("error").isMissingNode()) {
                    behind.add(projection.toString());
                }
            }
            if (behind.isEmpty()) {
                break;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        assertThat(behind).as("processors behind or failing after the fuzz run").isEmpty();
        List<String> parked = new ArrayList<>();
        for (tools.jackson.databind.JsonNode letter : data(admin.get("/api/admin/dead-letters?limit=1000"))
                .get("letters")) {
            if (files.contains(letter.get("sequence").asString())) {
                parked.add(letter.toString());
            }
        }
        assertThat(parked).as("events of the fuzzed files parked in a dead-letter queue").isEmpty();
    }
}
