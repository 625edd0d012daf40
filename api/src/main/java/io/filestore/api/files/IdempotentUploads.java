package io.filestore.api.files;

import io.filestore.api.web.ApiExceptionHandler;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import io.filestore.api.web.IdempotencyKeys;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.query.metadata.api.FileView;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.TreeMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A one-piece upload ({@code POST|PUT /api/files/upload}, raw or multipart) with an {@code Idempotency-Key}: the
 * first request with a key creates the file and its answer is kept; a retry with the same key and the same request
 * (method, path, query, content and the name, type and metadata it declares) gets the same answer again
 * ({@code Idempotent-Replayed: true}) and no second file; the same key with another request is 422, and while the
 * first is still running, 409. The file id is chosen when the key is claimed, so even a retry after a crash between
 * the commit and the stored answer finds the file instead of creating another.
 */
@Component
class IdempotentUploads {

    static final String REPLAYED = "Idempotent-Replayed";

    private final IdempotencyKeys keys;
    private final UploadReader uploads;
    private final FileCreator creator;
    private final FileQueries queries;
    private final JsonMapper json;

    IdempotentUploads(IdempotencyKeys keys, UploadReader uploads, FileCreator creator, FileQueries queries,
                      JsonMapper json) {
        this.keys = keys;
        this.uploads = uploads;
        this.creator = creator;
        this.queries = queries;
        this.json = json;
    }

    ResponseEntity<?> upload(Caller caller, String key, HttpServletRequest request) throws IOException {
        String callerId = caller.userId().value();
        String line = request.getMethod() + " " + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        IdempotencyKeys.Claim claim = keys.claim(callerId, key, line, FileId.random().value());
        if (claim instanceof IdempotencyKeys.InFlight) {
            return problem(HttpStatus.CONFLICT, "a request with this Idempotency-Key is still being processed", request);
        }
        if (claim instanceof IdempotencyKeys.Done done && !done.requestLine().equals(line)) {
            return problem(HttpStatus.UNPROCESSABLE_CONTENT, "this Idempotency-Key was used for a different request",
                    request);
        }
        ReceivedUpload upload;
        FileCreator.NewFile file;
        try {
            upload = uploads.read(request);
            MetadataInput input = upload.metadata();
            file = creator.describe(input.name() != null ? input.name() : upload.suppliedName(),
                    input.mimeType() != null ? input.mimeType() : upload.suppliedContentType(), input);
        } catch (IOException | RuntimeException e) {
            if (claim instanceof IdempotencyKeys.Claimed) {
                keys.release(callerId, key); // nothing was created: a corrected retry may use the key
            }
            throw e;
        }
        FileMetadata metadata = file.metadata();
        String fingerprint = IdempotencyKeys.fingerprint(line, upload.blob().sha256(), file.name().value(),
                file.mediaType().value(), metadata.description(), String.valueOf(metadata.tags()), metadata.folder(),
                String.valueOf(new TreeMap<>(metadata.attributes())));
        if (claim instanceof IdempotencyKeys.Done done) {
            if (!fingerprint.equals(done.fingerprint())) {
                return problem(HttpStatus.UNPROCESSABLE_CONTENT,
                        "this Idempotency-Key was used for a different request", request);
            }
            return ResponseEntity.status(done.status()).location(URI.create(done.location()))
                    .contentType(MediaType.APPLICATION_JSON).header(REPLAYED, "true").body(done.body());
        }
        IdempotencyKeys.Claimed claimed = (IdempotencyKeys.Claimed) claim;
        FileId fileId = new FileId(claimed.resourceId());
        FileView view = null;
        if (claimed.takenOver()) {
            // the process that claimed the key stopped: it may have created the file before it could answer
            queries.awaitSequence(fileId, 0);
            view = creator.existing(fileId, caller.userId()).orElse(null);
        }
        if (view == null) {
            try {
                view = creator.create(fileId, file, upload.blob(), caller.userId());
            } catch (RuntimeException e) {
                keys.abandon(callerId, key);
                throw e;
            }
        }
        ApiResponse<FileResponse> body = ApiResponse.ok(FileResponse.of(view));
        String location = "/api/files/" + fileId.value();
        keys.complete(callerId, key, fingerprint, HttpStatus.CREATED.value(), location, json.writeValueAsString(body));
        return ResponseEntity.created(URI.create(location)).body(body);
    }

    /** What a new version does once its content is stored: adds it and answers. */
    interface NewVersion {
        ResponseEntity<ApiResponse<FileResponse>> add(ReceivedUpload upload);
    }

    /**
     * A new version ({@code PUT /api/files/{id}}) with an {@code Idempotency-Key}: the first request adds the version
     * and its answer is kept; a retry with the same key and request (method, path, query, content, the name, type,
     * metadata and change log it declares, and {@code If-Match}) gets the same answer again
     * ({@code Idempotent-Replayed: true}) and no second version; the same key with another request is 422, while the
     * first still runs 409. A request that fails frees its key. If the process stops after the version was added but
     * before the answer was kept, a retry adds it again, unless it carries {@code If-Match} (then the aggregate
     * refuses it with 412): send {@code If-Match} with retried versions.
     */
    ResponseEntity<?> newVersion(Caller caller, String key, HttpServletRequest request, NewVersion work)
            throws IOException {
        String callerId = caller.userId().value();
        String line = request.getMethod() + " " + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        IdempotencyKeys.Claim claim = keys.claim(callerId, key, line, null);
        if (claim instanceof IdempotencyKeys.InFlight) {
            return problem(HttpStatus.CONFLICT, "a request with this Idempotency-Key is still being processed", request);
        }
        if (claim instanceof IdempotencyKeys.Done done && !done.requestLine().equals(line)) {
            return problem(HttpStatus.UNPROCESSABLE_CONTENT, "this Idempotency-Key was used for a different request",
                    request);
        }
        ReceivedUpload upload;
        try {
            upload = uploads.read(request);
        } catch (IOException | RuntimeException e) {
            if (claim instanceof IdempotencyKeys.Claimed) {
                keys.release(callerId, key);
            }
            throw e;
        }
        String fingerprint = IdempotencyKeys.fingerprint(line, upload.blob().sha256(), upload.suppliedContentType(),
                json.writeValueAsString(upload.metadata()), request.getHeader("If-Match"));
        if (claim instanceof IdempotencyKeys.Done done) {
            if (!fingerprint.equals(done.fingerprint())) {
                return problem(HttpStatus.UNPROCESSABLE_CONTENT,
                        "this Idempotency-Key was used for a different request", request);
            }
            return ResponseEntity.status(done.status()).contentType(MediaType.APPLICATION_JSON)
                    .header(REPLAYED, "true").body(done.body());
        }
        ResponseEntity<ApiResponse<FileResponse>> answer;
        try {
            answer = work.add(upload);
        } catch (RuntimeException e) {
            keys.release(callerId, key);
            throw e;
        }
        keys.complete(callerId, key, fingerprint, answer.getStatusCode().value(), null,
                json.writeValueAsString(answer.getBody()));
        return answer;
    }

    private static ResponseEntity<?> problem(HttpStatus status, String detail, HttpServletRequest request) {
        return ApiExceptionHandler.problem(status, detail, request, null);
    }
}
