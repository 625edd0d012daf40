import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search benchmark's client (run by run.sh with the JDK's source launcher; no dependencies). Each phase adds
 * its numbers to a properties file; "report" turns them into the JSON and Markdown results.
 *
 *   java SearchBench.java index    <app> <es> <alias> <expected> <results.properties>
 *   java SearchBench.java latency  <app> <user> <results.properties> [kind,kind,...]
 *   java SearchBench.java rebuild  <app> <admin> <user> <expected> <results.properties>
 *   java SearchBench.java uploads  <app> <label> <count> <results.properties>
 *   java SearchBench.java report   <results.properties> <out.json> <out.md>
 */
public class SearchBench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final String[] WORDS = {"annual", "report", "budget", "invoice", "contract", "meeting", "notes", "summary",
            "draft", "final", "review", "project", "design", "diagram", "photo", "holiday", "beach", "mountain",
            "family", "presentation", "proposal", "research", "analysis", "results", "dataset", "backup", "archive",
            "receipt", "insurance", "manual", "guide", "lecture", "thesis", "chapter", "letter", "agenda", "schedule",
            "roadmap", "strategy", "marketing", "customer", "shipment", "inventory", "release", "specification",
            "architecture", "database", "migration", "security", "compliance", "training", "handbook", "garden",
            "travel", "ticket", "passport", "medical", "concert", "festival", "podcast", "interview", "screenshot",
            "prototype", "feedback", "statistics", "forecast", "quarterly", "january", "september", "quantum",
            "neural", "ocean", "forest", "island", "harbor", "castle", "studio", "library", "museum", "airport",
            "hospital", "university", "village", "galaxy", "rocket", "battery", "camera", "keyboard", "laptop",
            "router", "license", "warranty", "certificate", "portfolio", "resume", "reference", "address"};
    static final String[] TAGS = {"finance", "work", "personal", "photos", "family", "urgent", "archive", "legal",
            "health", "travel", "music", "video", "docs", "code", "design", "q1", "q2", "q3", "q4", "2023", "2024",
            "draft", "final", "review", "shared", "important", "todo", "idea", "reference", "template"};
    static final String[] TYPES = {"application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv",
            "video/mp4", "image/*", "text/*"};
    static final String[] DEPTS = {"engineering", "finance", "marketing", "sales", "legal", "hr", "design",
            "research", "support", "ops"};
    static final String[] PROJECTS = {"apollo", "borealis", "cobalt", "dynamo", "ember", "falcon", "granite",
            "helios", "iris", "juniper"};
    static final String[] SORTS = {"name", "name:desc", "size", "size:asc", "createdAt", "createdAt:asc",
            "updatedAt"};
    static final Pattern CURSOR = Pattern.compile("\"nextCursor\":\"([^\"]+)\"");
    static final Pattern TOTAL = Pattern.compile("\"total\":(\\d+)");
    static final Pattern FILE_ID = Pattern.compile("\"fileId\":\"([0-9a-f-]{36})\"");

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "index" -> index(URI.create(args[1]), URI.create(args[2]), args[3], Long.parseLong(args[4]),
                    Path.of(args[5]));
            case "latency" -> latency(URI.create(args[1]), args[2], Path.of(args[3]),
                    args.length > 4 ? List.of(args[4].split(",")) : null);
            case "rebuild" -> rebuild(URI.create(args[1]), args[2], args[3], Long.parseLong(args[4]),
                    Path.of(args[5]));
            case "uploads" -> uploads(URI.create(args[1]), args[2], Integer.parseInt(args[3]), Path.of(args[4]));
            case "report" -> report(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    // ---- indexing: the application replays the loaded events; wait until the alias counts them all ----

    static void index(URI app, URI es, String alias, long expected, Path results) throws Exception {
        long start = System.nanoTime();
        long firstSeen = -1;
        long count = 0;
        long lastPrint = 0;
        while (count < expected) {
            Thread.sleep(1000);
            HttpResponse<String> response = send(HttpRequest.newBuilder(es.resolve("/" + alias + "/_count")).GET()
                    .build());
            if (response.statusCode() == 200) {
                Matcher m = Pattern.compile("\"count\":(\\d+)").matcher(response.body());
                count = m.find() ? Long.parseLong(m.group(1)) : 0;
                if (count > 0 && firstSeen < 0) {
                    firstSeen = System.nanoTime();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (seconds - lastPrint >= 10) {
                lastPrint = (long) seconds;
                System.out.printf(Locale.ROOT, "  indexed %,d of %,d after %.0f s (%.0f files/s)%n", count, expected,
                        seconds, count / seconds);
            }
            if (seconds > 6 * 3600) {
                throw new IllegalStateException("indexing did not finish in 6 h");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  indexed %,d files in %.1f s: %.0f files/s%n", count, seconds,
                count / seconds);
        Properties p = load(results);
        p.setProperty("index.files", String.valueOf(count));
        p.setProperty("index.seconds", fmt(seconds));
        p.setProperty("index.rate", fmt(count / seconds));
        store(p, results);
    }

    // ---- query latency by kind and concurrency ----

    static void latency(URI app, String user, Path results, List<String> only) throws Exception {
        List<String> ids = new ArrayList<>();
        Matcher m = FILE_ID.matcher(get(app, user, "/api/files?limit=100").body());
        while (m.find()) {
            ids.add(m.group(1));
        }
        Map<String, Function<Random, String>> kinds = new LinkedHashMap<>();
        kinds.put("baseline-get", r -> "/api/files/" + ids.get(r.nextInt(ids.size())));
        kinds.put("baseline-list", r -> "/api/files?limit=20&offset=" + r.nextInt(1000));
        // bench/scale: metadata and version history of files spread over the caller's whole history (files
        // 1..BENCH_SPREAD_FILES of bench/scale/load-history.sql, whose ids derive from md5("bench-file-" + n))
        long spread = Long.parseLong(System.getenv().getOrDefault("BENCH_SPREAD_FILES", "0"));
        if (spread > 0) {
            kinds.put("get-spread", r -> "/api/files/" + benchFileId(1 + (long) (r.nextDouble() * spread)));
            kinds.put("versions-spread", r -> "/api/files/" + benchFileId(1 + (long) (r.nextDouble() * spread))
                    + "/versions");
        }
        kinds.put("fulltext", SearchBench::fullText);
        kinds.put("filtered", SearchBench::filtered);
        kinds.put("faceted", SearchBench::faceted);
        Properties p = load(results);
        for (int concurrency : new int[]{1, 8}) {
            int requests = concurrency == 1 ? 300 : 800;
            for (Map.Entry<String, Function<Random, String>> kind : kinds.entrySet()) {
                if (only != null && !only.contains(kind.getKey())) {
                    continue;
                }
                run(app, user, kind.getValue(), 8, 80, 7); // warm up
                Stats stats = run(app, user, kind.getValue(), concurrency, requests, 42 + concurrency);
                record(p, "latency." + kind.getKey() + ".c" + concurrency, stats);
            }
            if (only == null || only.contains("list-cursor")) {
                listWalk(app, user, 8, 80); // warm up
                record(p, "latency.list-cursor.c" + concurrency, listWalk(app, user, concurrency, requests));
            }
            if (only == null || only.contains("deep-paged")) {
                Stats deep = deepPages(app, user, concurrency, requests);
                record(p, "latency.deep-paged.c" + concurrency, deep);
            }
        }
        store(p, results);
    }

    /** The file id bench/scale/load-history.sql gives file n (a UUID made of md5("bench-file-" + n)). */
    static String benchFileId(long n) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("MD5").digest(("bench-file-" + n)
                    .getBytes(StandardCharsets.UTF_8));
            String h = java.util.HexFormat.of().formatHex(d);
            return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-8"
                    + h.substring(17, 20) + "-" + h.substring(20, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fullText(Random r) {
        String word = WORDS[r.nextInt(WORDS.length)];
        String q = switch (r.nextInt(5)) {
            case 0 -> word + " " + WORDS[r.nextInt(WORDS.length)];
            case 1 -> word.substring(0, Math.min(word.length(), 4));
            case 2 -> typo(word, r);
            default -> word;
        };
        return "/api/files/search?q=" + enc(q);
    }

    static String typo(String word, Random r) {
        if (word.length() < 5) {
            return word;
        }
        int i = 1 + r.nextInt(word.length() - 2);
        char[] c = word.toCharArray();
        char t = c[i];
        c[i] = c[i + 1];
        c[i + 1] = t;
        return new String(c);
    }

    static String filtered(Random r) {
        List<String> params = new ArrayList<>();
        params.add("tags=" + TAGS[r.nextInt(TAGS.length)]);
        if (r.nextBoolean()) {
            params.add("mimeType=" + enc(TYPES[r.nextInt(TYPES.length)]));
        }
        if (r.nextBoolean()) {
            params.add("folder=" + enc("/" + DEPTS[r.nextInt(DEPTS.length)]));
        }
        if (r.nextBoolean()) {
            params.add("minSize=1000&maxSize=" + (1000 + r.nextInt(50_000_000)));
        }
        if (r.nextBoolean()) {
            params.add("createdAfter=" + LocalDate.now().minusDays(1 + r.nextInt(700)));
        }
        params.add("sort=" + enc(SORTS[r.nextInt(SORTS.length)]));
        params.add("limit=20");
        Collections.shuffle(params, r);
        return "/api/files?" + String.join("&", params);
    }

    static String faceted(Random r) {
        if (r.nextBoolean()) {
            return "/api/files/search?q=" + WORDS[r.nextInt(WORDS.length)] + "&facets=tags,mimeType,folder";
        }
        return "/api/files?folder=" + enc("/" + DEPTS[r.nextInt(DEPTS.length)]) + "&facets=tags,mimeType,folder";
    }

    /** Cursor chains 60 pages deep (1,200 hits); pages from the 11th on (depth > 200) are measured. */
    static Stats deepPages(URI app, String user, int concurrency, int requests) throws Exception {
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            futures.add(pool.submit(() -> {
                Random r = new Random(1000 + worker);
                while (samples.size() < requests) {
                    String base = "/api/files?limit=20&sort=" + enc(SORTS[r.nextInt(SORTS.length)])
                            + (r.nextBoolean() ? "&folder=" + enc("/" + DEPTS[r.nextInt(DEPTS.length)]) : "");
                    String cursor = null;
                    for (int page = 1; page <= 60 && samples.size() < requests; page++) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> response = get(app, user, cursor == null ? base
                                : base + "&cursor=" + cursor);
                        long elapsed = System.nanoTime() - t0;
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                            break;
                        }
                        if (page > 10) {
                            samples.add(elapsed);
                        }
                        Matcher m = CURSOR.matcher(response.body());
                        if (!m.find()) {
                            break;
                        }
                        cursor = m.group(1);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return new Stats(new ArrayList<>(samples), errors.get(), (System.nanoTime() - start) / 1e9);
    }

    /**
     * The plain (PostgreSQL) listing walked by its keyset cursor, 60 pages deep; pages from the 11th on are measured.
     * A build whose plain listing answers no nextCursor ends each walk after its first page and measures nothing.
     */
    static Stats listWalk(URI app, String user, int concurrency, int requests) throws Exception {
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger walks = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            futures.add(pool.submit(() -> {
                while (samples.size() < requests && walks.getAndIncrement() < requests) {
                    String cursor = null;
                    for (int page = 1; page <= 60 && samples.size() < requests; page++) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> response = get(app, user, cursor == null ? "/api/files?limit=20"
                                : "/api/files?limit=20&cursor=" + cursor);
                        long elapsed = System.nanoTime() - t0;
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                            break;
                        }
                        if (page > 10) {
                            samples.add(elapsed);
                        }
                        Matcher m = CURSOR.matcher(response.body());
                        if (!m.find()) {
                            if (page == 1) {
                                return null; // a build without listing cursors: nothing to measure
                            }
                            break;
                        }
                        cursor = m.group(1);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return new Stats(new ArrayList<>(samples), errors.get(), (System.nanoTime() - start) / 1e9);
    }

    static Stats run(URI app, String user, Function<Random, String> paths, int concurrency, int requests, long seed)
            throws Exception {
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            Random r = new Random(seed * 31 + w);
            futures.add(pool.submit(() -> {
                while (next.getAndIncrement() < requests) {
                    String path = paths.apply(r);
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = get(app, user, path);
                    samples.add(System.nanoTime() - t0);
                    if (response.statusCode() != 200) {
                        errors.incrementAndGet();
                        if (errors.get() < 5) {
                            System.out.println("  " + response.statusCode() + " " + path + " " + response.body());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return new Stats(new ArrayList<>(samples), errors.get(), (System.nanoTime() - start) / 1e9);
    }

    // ---- rebuild: replay into a new index and swap the alias while searches run ----

    static void rebuild(URI app, String admin, String user, long expected, Path results) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger incomplete = new AtomicInteger();
        long userFiles = Long.parseLong(match(TOTAL, get(app, user, "/api/files?tags=finance&limit=1").body()));
        Thread searcher = new Thread(() -> {
            Random r = new Random(5);
            while (!stop.get()) {
                String path = r.nextBoolean() ? fullText(r) : "/api/files?tags=finance&limit=1";
                long t0 = System.nanoTime();
                HttpResponse<String> response = get(app, user, path);
                samples.add(System.nanoTime() - t0);
                if (response.statusCode() != 200) {
                    errors.incrementAndGet();
                } else if (path.contains("tags=finance")
                        && Long.parseLong(match(TOTAL, response.body())) != userFiles) {
                    incomplete.incrementAndGet();
                }
            }
        });
        searcher.start();
        long start = System.nanoTime();
        HttpResponse<String> started = send(HttpRequest.newBuilder(app.resolve("/api/admin/search/rebuild"))
                .header("X-User-Id", admin).POST(HttpRequest.BodyPublishers.noBody()).build());
        if (started.statusCode() != 202) {
            throw new IllegalStateException("rebuild refused: " + started.statusCode() + " " + started.body());
        }
        boolean rebuilding = true;
        long lastPrint = 0;
        while (rebuilding) {
            Thread.sleep(1000);
            String status = send(HttpRequest.newBuilder(app.resolve("/api/admin/search")).header("X-User-Id", admin)
                    .GET().build()).body();
            rebuilding = status.contains("\"rebuilding\":true");
            double seconds = (System.nanoTime() - start) / 1e9;
            if (seconds - lastPrint >= 10) {
                lastPrint = (long) seconds;
                System.out.println("  rebuilding for " + (long) seconds + " s: " + status);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        searcher.join();
        Stats stats = new Stats(new ArrayList<>(samples), errors.get(), seconds);
        System.out.printf(Locale.ROOT, "  rebuilt %,d files in %.1f s: %.0f files/s; %d searches meanwhile, "
                + "%d errors, %d incomplete%n", expected, seconds, expected / seconds, samples.size(), errors.get(),
                incomplete.get());
        Properties p = load(results);
        p.setProperty("rebuild.seconds", fmt(seconds));
        p.setProperty("rebuild.rate", fmt(expected / seconds));
        p.setProperty("rebuild.searches.incomplete", String.valueOf(incomplete.get()));
        record(p, "rebuild.searches", stats);
        store(p, results);
    }

    // ---- uploads: the cost of read-your-writes ----

    static void uploads(URI app, String label, int count, Path results) throws Exception {
        String user = "bench-upload-" + label + "-" + System.nanoTime();
        List<Long> samples = new ArrayList<>();
        int foundAtOnce = 0;
        int errors = 0;
        byte[] content = new byte[1024];
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String word = "ryw" + label + i + "x" + Long.toString(System.nanoTime(), 36);
            long t0 = System.nanoTime();
            HttpResponse<String> response = send(HttpRequest.newBuilder(app.resolve("/api/files/upload?name="
                            + word + ".bin")).header("X-User-Id", user)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build());
            samples.add(System.nanoTime() - t0);
            if (response.statusCode() != 201) {
                errors++;
                continue;
            }
            HttpResponse<String> search = get(app, user, "/api/files/search?q=" + word);
            if (search.statusCode() == 200 && search.body().contains(word)) {
                foundAtOnce++;
            }
        }
        Stats stats = new Stats(samples, errors, (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "  uploads (%s): p50 %.1f ms, p99 %.1f ms; found by a search right after "
                + "the 201: %d of %d%n", label, stats.percentile(50), stats.percentile(99), foundAtOnce, count);
        Properties p = load(results);
        record(p, "uploads." + label, stats);
        p.setProperty("uploads." + label + ".foundAtOnce", String.valueOf(foundAtOnce));
        store(p, results);
    }

    // ---- report ----

    static void report(Path results, Path json, Path markdown) throws IOException {
        Properties p = load(results);
        Map<String, String> sorted = new TreeMap<>();
        p.forEach((k, v) -> sorted.put((String) k, (String) v));
        StringBuilder out = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            String v = e.getValue();
            boolean number = v.matches("-?\\d+(\\.\\d+)?");
            out.append("  \"").append(e.getKey()).append("\": ").append(number ? v : "\"" + v.replace("\"", "'") + "\"")
                    .append(++i < sorted.size() ? ",\n" : "\n");
        }
        out.append("}\n");
        Files.writeString(json, out);

        StringBuilder md = new StringBuilder();
        md.append("# Search benchmark ").append(p.getProperty("run.date", "")).append("\n\n");
        md.append("Files: ").append(p.getProperty("run.files")).append(" (").append(p.getProperty("run.users"))
                .append(" owners; queries as ").append(p.getProperty("run.user")).append(" with ")
                .append(p.getProperty("run.userFiles")).append(" files). Machine: ").append(p.getProperty("run.cpus"))
                .append(" CPUs, load average before/after ").append(p.getProperty("run.loadBefore")).append(" / ")
                .append(p.getProperty("run.loadAfter")).append(". App heap ").append(p.getProperty("run.heap"))
                .append(".\n\n");
        md.append("| phase | files | seconds | files/s |\n|---|---:|---:|---:|\n");
        md.append("| indexing by replay (metadata view replaying too) | ").append(p.getProperty("index.files"))
                .append(" | ").append(p.getProperty("index.seconds")).append(" | ").append(p.getProperty("index.rate"))
                .append(" |\n");
        md.append("| rebuild into a new index + alias swap | ").append(p.getProperty("run.files")).append(" | ")
                .append(p.getProperty("rebuild.seconds")).append(" | ").append(p.getProperty("rebuild.rate"))
                .append(" |\n\n");
        md.append("Searches during the rebuild: ").append(p.getProperty("rebuild.searches.count")).append(", errors ")
                .append(p.getProperty("rebuild.searches.errors")).append(", incomplete totals ")
                .append(p.getProperty("rebuild.searches.incomplete")).append(", p50 ")
                .append(p.getProperty("rebuild.searches.p50")).append(" ms, p99 ")
                .append(p.getProperty("rebuild.searches.p99")).append(" ms.\n\n");
        md.append("| query | concurrency | requests | errors | p50 ms | p99 ms | mean ms | req/s | p50 vs baseline-get "
                + "| target p99 | met |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String c : new String[]{"c1", "c8"}) {
            double base = Double.parseDouble(p.getProperty("latency.baseline-get." + c + ".p50", "NaN"));
            for (String kind : new String[]{"baseline-get", "get-spread", "versions-spread", "baseline-list",
                    "list-cursor", "fulltext", "filtered", "faceted", "deep-paged"}) {
                String k = "latency." + kind + "." + c;
                if (p.getProperty(k + ".p50") == null || "0".equals(p.getProperty(k + ".count"))) {
                    continue;
                }
                double p50 = Double.parseDouble(p.getProperty(k + ".p50"));
                double p99 = Double.parseDouble(p.getProperty(k + ".p99"));
                Double target = null;
                if (kind.equals("baseline-list") || kind.equals("list-cursor")) {
                    target = 50.0; // the plain listing's goal: p99 <= 50 ms at both concurrencies
                } else if (!kind.startsWith("baseline")) {
                    if (c.equals("c8")) {
                        target = 200.0;
                    } else if (kind.equals("filtered") || kind.equals("deep-paged")) {
                        target = 50.0;
                    }
                }
                md.append("| ").append(kind).append(" | ").append(c.substring(1)).append(" | ")
                        .append(p.getProperty(k + ".count")).append(" | ").append(p.getProperty(k + ".errors"))
                        .append(" | ").append(fmt(p50)).append(" | ").append(fmt(p99)).append(" | ")
                        .append(p.getProperty(k + ".mean")).append(" | ").append(p.getProperty(k + ".throughput"))
                        .append(" | ").append(fmt(p50 / base)).append("x | ")
                        .append(target == null ? "-" : "< " + target.intValue()).append(" | ")
                        .append(target == null ? "-" : p99 < target ? "yes" : "NO").append(" |\n");
            }
        }
        md.append("\n| uploads (1 KiB, sequential) | count | p50 ms | p99 ms | found by a search right after the 201 |\n"
                + "|---|---:|---:|---:|---:|\n");
        for (String label : new String[]{"ryw-on", "ryw-off"}) {
            String k = "uploads." + label;
            if (p.getProperty(k + ".p50") != null) {
                md.append("| read-your-writes ").append(label.substring(4)).append(" | ")
                        .append(p.getProperty(k + ".count")).append(" | ").append(p.getProperty(k + ".p50"))
                        .append(" | ").append(p.getProperty(k + ".p99")).append(" | ")
                        .append(p.getProperty(k + ".foundAtOnce")).append(" |\n");
            }
        }
        Files.writeString(markdown, md);
        System.out.print(md);
    }

    // ---- helpers ----

    record Stats(List<Long> nanos, int errors, double seconds) {

        double percentile(double pct) {
            List<Long> sorted = new ArrayList<>(nanos);
            Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(pct / 100.0 * sorted.size());
            return sorted.get(Math.max(0, rank - 1)) / 1e6;
        }

        double mean() {
            return nanos.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1e6;
        }
    }

    static void record(Properties p, String key, Stats stats) {
        p.setProperty(key + ".count", String.valueOf(stats.nanos().size()));
        p.setProperty(key + ".errors", String.valueOf(stats.errors()));
        p.setProperty(key + ".p50", fmt(stats.percentile(50)));
        p.setProperty(key + ".p99", fmt(stats.percentile(99)));
        p.setProperty(key + ".mean", fmt(stats.mean()));
        p.setProperty(key + ".max", fmt(stats.percentile(100)));
        p.setProperty(key + ".throughput", fmt(stats.nanos().size() / stats.seconds()));
        System.out.printf(Locale.ROOT, "  %-28s n=%4d errors=%d p50=%7.2f ms p99=%7.2f ms mean=%7.2f ms %6.1f req/s%n",
                key, stats.nanos().size(), stats.errors(), stats.percentile(50), stats.percentile(99), stats.mean(),
                stats.nanos().size() / stats.seconds());
    }

    static HttpResponse<String> get(URI app, String user, String path) {
        return send(HttpRequest.newBuilder(app.resolve(path)).header("X-User-Id", user).GET().build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String match(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in " + body);
        }
        return m.group(1);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            }
        }
        return p;
    }

    static void store(Properties p, Path file) throws IOException {
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "search benchmark " + Instant.now());
        }
    }
}
