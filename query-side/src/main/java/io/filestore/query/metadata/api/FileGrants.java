package io.filestore.query.metadata.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.Grant;
import java.util.List;
import java.util.Map;

/** The grants of each file asked for; a file without any has none in the map. */
public record FileGrants(Map<FileId, List<Grant>> byFile) {

    public FileGrants {
        byFile = Map.copyOf(byFile);
    }

    public List<Grant> of(FileId fileId) {
        return byFile.getOrDefault(fileId, List.of());
    }
}
