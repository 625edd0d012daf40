package io.filestore.api.search;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import io.filestore.api.web.ForbiddenException;
import io.filestore.query.search.api.RebuildStatus;
import io.filestore.query.search.api.SearchIndexAdministration;
import io.filestore.replay.LiveInstances;
import io.filestore.replay.OtherInstancesLiveException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Search index administration for the user ids in {@code filestore.admins} (everyone else gets 403):
 * {@code POST /api/admin/search/rebuild} starts a rebuild by replay into a new index with an alias swap at the end
 * (202 with the status), {@code GET /api/admin/search} shows the status. A rebuild resets the search processor,
 * which only works while this is the only running instance: with others live it is refused (409 naming them).
 */
@RestController
class SearchAdminController {

    private final SearchIndexAdministration administration;
    private final FilestoreProperties properties;
    private final LiveInstances instances;

    SearchAdminController(SearchIndexAdministration administration, FilestoreProperties properties,
                          LiveInstances instances) {
        this.administration = administration;
        this.properties = properties;
        this.instances = instances;
    }

    @PostMapping("/api/admin/search/rebuild")
    public ResponseEntity<ApiResponse<RebuildStatus>> rebuild(Caller caller) {
        requireAdmin(caller);
        java.util.List<String> others = instances.others();
        if (!others.isEmpty()) {
            throw new OtherInstancesLiveException("search index rebuild", others);
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ApiResponse.ok(administration.rebuild()));
    }

    @GetMapping("/api/admin/search")
    public ApiResponse<RebuildStatus> status(Caller caller) {
        requireAdmin(caller);
        return ApiResponse.ok(administration.status());
    }

    private void requireAdmin(Caller caller) {
        if (!caller.systemAdmin()) {
            throw new ForbiddenException("this operation is reserved to system administrators");
        }
    }
}
