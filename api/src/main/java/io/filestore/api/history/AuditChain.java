package io.filestore.api.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The hash chain of an audit export, one JSON object per line. Every line starts with {@code "prev"}, the hash of
 * the line before it (64 zeros for the first line), and ends with {@code "hash"}: the SHA-256 of the line's UTF-8
 * text up to, not including, {@code ,"hash":"}. So any tool can check a line without re-serializing JSON: strip the
 * fixed-length suffix, hash, compare. The first line is a header ({@code "type":"header"} with the window), the last
 * an end ({@code "type":"end"} with the number of entries), so a cut at either end breaks the chain too.
 */
final class AuditChain {

    static final String GENESIS = "0".repeat(64);
    /** Longest line a verification accepts. */
    static final int MAX_LINE = 256 * 1024;
    private static final Pattern SUFFIX = Pattern.compile(",\"hash\":\"([0-9a-f]{64})\"}$");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private String previous = GENESIS;

    /** A new object for the next line, with its {@code prev} already set. */
    ObjectNode next() {
        ObjectNode node = JSON.createObjectNode();
        node.put("prev", previous);
        return node;
    }

    /** The line (without newline) for {@code node} as built from {@link #next()}; advances the chain. */
    String line(ObjectNode node) {
        String json = JSON.writeValueAsString(node);
        String prefix = json.substring(0, json.length() - 1);
        String hash = sha256(prefix);
        previous = hash;
        return prefix + ",\"hash\":\"" + hash + "\"}";
    }

    String lastHash() {
        return previous;
    }

    static JsonNode parse(String json) {
        return JSON.readTree(json);
    }

    /** Checks a whole export read from {@code in}. */
    static Verification verify(BufferedReader in) throws IOException {
        String expectedPrev = GENESIS;
        long line = 0;
        long entries = 0;
        boolean header = false;
        JsonNode last = null;
        JsonNode first = null;
        String text;
        while ((text = readLine(in)) != null) {
            line++;
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                return Verification.broken(line, "empty line");
            }
            Matcher suffix = SUFFIX.matcher(text);
            if (!suffix.find()) {
                return Verification.broken(line, "the line does not end with its hash");
            }
            String prefix = text.substring(0, suffix.start());
            if (!sha256(prefix).equals(suffix.group(1))) {
                return Verification.broken(line, "the line's content does not match its hash");
            }
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (RuntimeException e) {
                return Verification.broken(line, "the line is not a JSON object");
            }
            if (!node.isObject() || !node.path("prev").isString() || !node.get("prev").asString().equals(expectedPrev)) {
                return Verification.broken(line, "the line does not follow the line before it");
            }
            String type = node.path("type").asString("");
            if (line == 1 && !type.equals("header")) {
                return Verification.broken(line, "the first line is not the header");
            }
            if (line > 1 && type.equals("header")) {
                return Verification.broken(line, "a second header");
            }
            if (last != null && last.path("type").asString("").equals("end")) {
                return Verification.broken(line, "lines after the end");
            }
            if (type.equals("header")) {
                header = true;
                first = node;
            }
            if (type.equals("entry")) {
                entries++;
            }
            if (type.equals("end") && node.path("entries").asLong(-1) != entries) {
                return Verification.broken(line, "the end counts " + node.path("entries").asLong(-1)
                        + " entries, the chain holds " + entries);
            }
            expectedPrev = suffix.group(1);
            last = node;
        }
        if (!header) {
            return Verification.broken(line + 1, "no header");
        }
        if (!last.path("type").asString("").equals("end")) {
            return Verification.broken(line + 1, "the export is cut short: no end line");
        }
        return new Verification(true, entries, line, expectedPrev, null, null, first);
    }

    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new LineTooLongException();
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /**
     * The outcome: {@code valid}, how many entries and lines, the last hash; else the first bad line and why.
     */
    record Verification(boolean valid, long entries, long lines, String lastHash, Long badLine, String reason,
                        JsonNode header) {

        static Verification broken(long line, String reason) {
            return new Verification(false, 0, line, null, line, reason, null);
        }
    }

    /** A line longer than {@link #MAX_LINE}. */
    static final class LineTooLongException extends RuntimeException {
        LineTooLongException() {
            super("a line is longer than " + MAX_LINE + " characters");
        }
    }
}
