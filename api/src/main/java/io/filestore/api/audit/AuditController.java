package io.filestore.api.audit;

import static io.filestore.api.web.QueryAnswers.join;

import io.filestore.api.web.AdminGuard;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.BadRequestException;
import io.filestore.api.web.Caller;
import io.filestore.command.api.FileId;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.UnknownFileException;
import io.filestore.command.api.UserId;
import io.filestore.query.audit.api.AuditAction;
import io.filestore.query.audit.api.AuditPage;
import io.filestore.query.audit.api.AuditQuery;
import io.filestore.query.audit.api.FileHistoryQuery;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit trail: a file's history for its owner (and administrators), and the trail across files for
 * administrators, filtered by actor, file, action and time range. Newest first, paged.
 */
@RestController
class AuditController {

    static final int MAX_LIMIT = 100;
    static final int MAX_OFFSET = 100_000;

    private final QueryGateway queries;
    private final AdminGuard admins;

    private final io.filestore.api.files.FileQueries files;

    AuditController(QueryGateway queries, AdminGuard admins, io.filestore.api.files.FileQueries files) {
        this.files = files;
        this.queries = queries;
        this.admins = admins;
    }

    @GetMapping("/api/files/{id}/history")
    public ApiResponse<Map<String, Object>> history(Caller caller, @PathVariable String id,
                                                    @RequestParam(defaultValue = "50") int limit,
                                                    @RequestParam(defaultValue = "0") int offset) {
        checkPaging(limit, offset);
        FileId fileId = new FileId(id);
        Optional<io.filestore.query.metadata.api.FileView> visible = files.findLive(fileId, caller.actor());
        boolean fileAdmin = admins.isAdmin(caller) || visible
                .flatMap(file -> file.permissions().roleOf(caller.actor(), java.time.Instant.now()))
                .map(role -> role.allows(io.filestore.command.api.Role.ADMIN)).orElse(false);
        Optional<AuditPage> page = join(queries.query(
                new FileHistoryQuery(fileId, caller.userId(), fileAdmin, offset, limit),
                ResponseTypes.optionalInstanceOf(AuditPage.class)));
        if (page.isEmpty() && visible.isPresent()) {
            // the caller may read the file (a viewer or editor) but its history is its owner's and admins'
            throw new io.filestore.api.web.ForbiddenException(
                    "only the file's owner and its administrators may read its history");
        }
        Map<String, Object> body = body(page.orElseThrow(() ->
                new UnknownFileException("no file " + id)), limit, offset);
        body.put("fileId", fileId.value());
        return ApiResponse.ok(body);
    }

    @GetMapping("/api/audit")
    public ApiResponse<Map<String, Object>> audit(Caller caller,
                                                  @RequestParam(required = false) String actor,
                                                  @RequestParam(required = false) String fileId,
                                                  @RequestParam(required = false) String target,
                                                  @RequestParam(required = false) String type,
                                                  @RequestParam(required = false) String from,
                                                  @RequestParam(required = false) String to,
                                                  @RequestParam(defaultValue = "50") int limit,
                                                  @RequestParam(defaultValue = "0") int offset) {
        admins.requireAdmin(caller);
        checkPaging(limit, offset);
        AuditAction action = type == null ? null : AuditAction.fromWireName(type.trim()).orElseThrow(() ->
                new BadRequestException("type", "type must be one of " + Arrays.stream(AuditAction.values())
                        .map(AuditAction::wireName).toList()));
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (start != null && end != null && !start.isBefore(end)) {
            throw new BadRequestException("from", "from must be before to");
        }
        AuditQuery query = new AuditQuery(actor == null ? null : userId(actor), fileId == null ? null : fileId(fileId),
                target(target), action, start, end, offset, limit);
        return ApiResponse.ok(body(join(queries.query(query, AuditPage.class)), limit, offset));
    }

    private static Map<String, Object> body(AuditPage page, int limit, int offset) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", page.entries().stream().map(AuditEntryResponse::of).toList());
        body.put("pagination", Map.of("offset", offset, "limit", limit, "hasMore", page.hasMore()));
        return body;
    }

    private static void checkPaging(int limit, int offset) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new BadRequestException("offset", "offset must be between 0 and " + MAX_OFFSET);
        }
    }

    private static Instant instant(String parameter, String value) {
        return io.filestore.api.web.Instants.filter(parameter, value, false);
    }

    /** {@code kind:id} as entries name their targets: user, file, token, backup or link, at most 300 characters. */
    private static String target(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.length() > 300 || !trimmed.matches("(user|file|token|backup|link):[A-Za-z0-9._@+\\-]{1,290}")) {
            throw new BadRequestException("target", "target must be user:<id>, file:<id>, token:<id>, backup:<id> or "
                    + "link:<share id>");
        }
        return trimmed;
    }

    private static UserId userId(String value) {
        try {
            return new UserId(value.trim());
        } catch (InvalidValueException e) {
            throw new BadRequestException("actor", "actor " + e.getMessage());
        }
    }

    private static FileId fileId(String value) {
        try {
            return new FileId(value.trim());
        } catch (InvalidValueException e) {
            throw new BadRequestException("fileId", e.getMessage());
        }
    }
}
