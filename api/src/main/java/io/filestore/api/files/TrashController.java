package io.filestore.api.files;

import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import io.filestore.command.api.FileId;
import io.filestore.command.api.PurgeFileCommand;
import io.filestore.command.api.RestoreFileFromTrashCommand;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The trash: deleted files stay restorable until purged (by their owner, or after the retention period). */
@RestController
@RequestMapping("/api/trash")
class TrashController {

    private final io.filestore.api.write.Writes writes;
    private final FileQueries queries;
    private final FileListings listings;

    TrashController(io.filestore.api.write.Writes writes, FileQueries queries, FileListings listings) {
        this.writes = writes;
        this.queries = queries;
        this.listings = listings;
    }

    @GetMapping
    public ApiResponse<Map<String, Object>> list(Caller caller, @RequestParam(defaultValue = "20") int limit,
                                                 @RequestParam(required = false) Integer offset,
                                                 @RequestParam(required = false) String cursor) {
        return ApiResponse.ok(listings.trash(caller.actor(), limit, offset, cursor));
    }

    @PostMapping("/{id}/restore")
    public org.springframework.http.ResponseEntity<ApiResponse<FileResponse>> restore(Caller caller,
                                                                                   @PathVariable String id) {
        FileId fileId = new FileId(id);
        queries.trashed(fileId, caller.actor());
        writes.send(new RestoreFileFromTrashCommand(fileId, caller.actor()));
        return FileController.withEtag(queries.live(fileId, caller.actor()));
    }

    @DeleteMapping("/{id}")
    public ApiResponse<Map<String, Object>> purge(Caller caller, @PathVariable String id) {
        FileId fileId = new FileId(id);
        queries.trashed(fileId, caller.actor());
        writes.send(new PurgeFileCommand(fileId, caller.actor(), false));
        return ApiResponse.ok(Map.of("fileId", fileId.value(), "purged", true));
    }
}
