package io.filestore.api.history;

import io.filestore.api.web.AdminGuard;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.BadRequestException;
import io.filestore.api.web.Caller;
import io.filestore.query.audit.api.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tamper-evident export of the audit trail: JSON lines chained by SHA-256 (see {@link AuditChain}), streamed from
 * a database cursor; and the check of such an export, against its own chain and against the store.
 */
@RestController
class AuditExportController {

    private final AuditLog log;
    private final AdminGuard admins;

    AuditExportController(AuditLog log, AdminGuard admins) {
        this.log = log;
        this.admins = admins;
    }

    /** Entries with {@code from <= at < to} ({@code from} defaults to the epoch, {@code to} to now). */
    @GetMapping("/api/admin/audit/export")
    public void export(Caller caller, @RequestParam(required = false) String from,
                       @RequestParam(required = false) String to, HttpServletResponse response) throws IOException {
        admins.requireAdmin(caller);
        Instant start = from == null ? Instant.EPOCH : Instants.past("from", from);
        Instant end = to == null ? Instant.now() : Instants.past("to", to);
        if (!start.isBefore(end)) {
            throw new BadRequestException("to", "to must be later than from");
        }
        response.setContentType("application/x-ndjson");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"audit-" + start.getEpochSecond() + "-"
                + end.getEpochSecond() + ".jsonl\"");
        OutputStream out = response.getOutputStream();
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        chain(start, end, line -> {
            try {
                writer.write(line);
                writer.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.flush();
    }

    /**
     * Checks an export given as the request body (at most 1 MiB, the limit of every non-file body; check larger ones
     * with {@code scripts/verify-audit-export.py}): every line's hash and link, header first, end last with the right
     * count; then whether the store still holds exactly these entries for the same window.
     */
    @PostMapping("/api/admin/audit/verify")
    public ApiResponse<Map<String, Object>> verify(Caller caller, HttpServletRequest request) throws IOException {
        admins.requireAdmin(caller);
        AuditChain.Verification result;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(request.getInputStream(),
                StandardCharsets.UTF_8))) {
            result = AuditChain.verify(in);
        } catch (AuditChain.LineTooLongException e) {
            throw new BadRequestException("body", e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("valid", result.valid());
        body.put("entries", result.entries());
        body.put("lines", result.lines());
        if (!result.valid()) {
            body.put("badLine", result.badLine());
            body.put("reason", result.reason());
            return ApiResponse.ok(body);
        }
        body.put("lastHash", result.lastHash());
        JsonNode header = result.header();
        Instant from;
        Instant to;
        try {
            from = Instant.parse(header.path("from").asString(""));
            to = Instant.parse(header.path("to").asString(""));
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequestException("body", "the header's from and to must be ISO-8601 instants");
        }
        String[] last = new String[1];
        chain(from, to, line -> last[0] = line);
        String storeHash = AuditChain.parse(last[0]).get("hash").asString();
        body.put("matchesStore", storeHash.equals(result.lastHash()));
        return ApiResponse.ok(body);
    }

    /** The export's lines for the window, in order, each handed to {@code sink}. */
    private void chain(Instant from, Instant to, java.util.function.Consumer<String> sink) {
        AuditChain chain = new AuditChain();
        ObjectNode header = chain.next();
        header.put("type", "header");
        header.put("from", from.toString());
        header.put("to", to.toString());
        sink.accept(chain.line(header));
        long[] count = new long[1];
        log.forEach(from, to, entry -> {
            ObjectNode node = chain.next();
            node.put("type", "entry");
            node.put("eventId", entry.eventId());
            node.put("position", entry.globalIndex());
            node.put("at", entry.at().toString());
            node.put("action", entry.action());
            node.put("actor", entry.actor());
            node.put("fileId", entry.fileId());
            node.put("target", entry.target());
            node.put("clientAddress", entry.clientAddress());
            node.set("details", AuditChain.parse(entry.details() == null ? "{}" : entry.details()));
            sink.accept(chain.line(node));
            count[0]++;
        });
        ObjectNode end = chain.next();
        end.put("type", "end");
        end.put("entries", count[0]);
        sink.accept(chain.line(end));
    }
}
