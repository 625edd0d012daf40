package io.filestore.api.deadletter;

import io.filestore.api.web.AdminGuard;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Parked events, for system administrators: list them, retry a sequence once its cause is fixed, or evict it
 * (the view then never applies those events; a rebuild of the projection would try them again).
 */
@RestController
@RequestMapping("/api/admin/dead-letters")
class DeadLetterController {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:\\-]{1,255}");

    private final DeadLetters deadLetters;
    private final AdminGuard admins;

    DeadLetterController(DeadLetters deadLetters, AdminGuard admins) {
        this.deadLetters = deadLetters;
        this.admins = admins;
    }

    @GetMapping
    ApiResponse<Map<String, Object>> list(Caller caller, @RequestParam(required = false) String processor,
                                          @RequestParam(defaultValue = "100") int limit) {
        admins.requireAdmin(caller);
        if (limit < 1 || limit > DeadLetters.MAX_LIST) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "limit must be between 1 and " + DeadLetters.MAX_LIST);
        }
        if (processor != null) {
            requireProcessor(processor);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("counts", deadLetters.counts());
        body.put("letters", deadLetters.list(processor, limit));
        return ApiResponse.ok(body);
    }

    @PostMapping("/{processor}/{sequence}/retry")
    ApiResponse<DeadLetters.Retry> retry(Caller caller, @PathVariable String processor,
                                         @PathVariable String sequence) {
        admins.requireAdmin(caller);
        requireProcessor(processor);
        requireSequence(sequence);
        return ApiResponse.ok(deadLetters.retry(processor, sequence).orElseThrow(() -> noLetters(processor, sequence)));
    }

    @DeleteMapping("/{processor}/{sequence}")
    ResponseEntity<Void> evict(Caller caller, @PathVariable String processor, @PathVariable String sequence) {
        admins.requireAdmin(caller);
        requireProcessor(processor);
        requireSequence(sequence);
        if (deadLetters.evict(processor, sequence) == 0) {
            throw noLetters(processor, sequence);
        }
        return ResponseEntity.noContent().build();
    }

    private void requireProcessor(String processor) {
        if (!NAME.matcher(processor).matches() || !deadLetters.processors().contains(processor)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no processor " + sanitized(processor));
        }
    }

    private static void requireSequence(String sequence) {
        if (!NAME.matcher(sequence).matches()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no parked sequence " + sanitized(sequence));
        }
    }

    private static ResponseStatusException noLetters(String processor, String sequence) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND,
                "no parked events of sequence " + sequence + " in processor " + processor);
    }

    private static String sanitized(String value) {
        String shortened = value.length() > 100 ? value.substring(0, 100) : value;
        return shortened.replaceAll("[^A-Za-z0-9._:\\-]", "?");
    }
}
