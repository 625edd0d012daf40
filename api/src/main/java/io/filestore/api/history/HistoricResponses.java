package io.filestore.api.history;

import io.filestore.api.files.FileResponse;
import io.filestore.command.api.Grant;
import io.filestore.command.api.Role;
import io.filestore.query.history.api.HistoricShareView;
import io.filestore.query.metadata.api.FileView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Files and shares as they were at an instant, in the same shapes as the present-tense endpoints answer. */
final class HistoricResponses {

    private HistoricResponses() {
    }

    /** The file as {@code GET /api/files/{id}} showed it at {@code at}; the download URL serves the content then. */
    static FileResponse file(FileView view, Instant at) {
        List<Grant> active = view.permissions().grants().stream().filter(g -> g.activeAt(at)).toList();
        FileResponse.PermissionsResponse permissions = new FileResponse.PermissionsResponse(view.owner().value(),
                active.stream().map(g -> g.grantee().value()).distinct().toList(),
                active.stream().filter(g -> g.role().allows(Role.EDITOR)).map(g -> g.grantee().value()).distinct()
                        .toList(),
                active.stream().filter(g -> g.role().allows(Role.ADMIN)).map(g -> g.grantee().value()).distinct()
                        .toList());
        return new FileResponse(view.fileId().value(), view.name().value(), view.size(), view.mediaType().value(),
                view.contentUpdatedAt(), view.createdAt(), view.updatedAt(), view.version(), view.blobId().checksum(),
                new FileResponse.MetadataResponse(view.metadata().description(), view.metadata().tags(),
                        view.metadata().folder(), view.metadata().attributes()),
                view.owner().value(),
                "/api/files/" + view.fileId().value() + "/download?asOf=" + at,
                view.deletedAt(), permissions);
    }

    /** A share as {@code GET /api/files/{id}/shares} showed it at {@code at}. */
    static Map<String, Object> share(HistoricShareView share, Instant at) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("shareId", share.shareId());
        map.put("fileId", share.fileId().value());
        map.put("type", share.link() ? "link" : share.grantee().value().startsWith("group:") ? "group" : "user");
        if (share.link()) {
            map.put("permissions", List.of("read"));
            map.put("passwordProtected", share.passwordProtected());
            map.put("maxDownloads", share.maxDownloads());
        } else {
            map.put("grantee", share.grantee().value());
            map.put("role", share.role().name().toLowerCase(Locale.ROOT));
            map.put("permissions", switch (share.role()) {
                case VIEWER -> List.of("read");
                case EDITOR -> List.of("read", "write");
                case ADMIN -> List.of("read", "write", "share");
            });
        }
        map.put("expiresAt", share.expiresAt());
        map.put("expired", share.expiredAt(at));
        map.put("createdAt", share.createdAt());
        map.put("createdBy", share.createdBy());
        return map;
    }
}
