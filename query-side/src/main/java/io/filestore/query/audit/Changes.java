package io.filestore.query.audit;

import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a change changed: {@code {"name": {"from": …, "to": …}, "tags": {…}, "attributes": {"k": {"from": …,
 * "to": …}}}}, listing only what differs. A missing value is null.
 */
final class Changes {

    private Changes() {
    }

    static Map<String, Object> between(FileName oldName, FileMetadata before, FileName newName, FileMetadata after) {
        Map<String, Object> changes = new LinkedHashMap<>();
        put(changes, "name", oldName == null ? null : oldName.value(), newName.value());
        FileMetadata old = before == null ? FileMetadata.EMPTY : before;
        put(changes, "description", old.description(), after.description());
        put(changes, "tags", old.tags(), after.tags());
        put(changes, "folder", old.folder(), after.folder());
        Map<String, Object> attributes = new LinkedHashMap<>();
        TreeSet<String> keys = new TreeSet<>(old.attributes().keySet());
        keys.addAll(after.attributes().keySet());
        for (String key : keys) {
            put(attributes, key, old.attributes().get(key), after.attributes().get(key));
        }
        if (!attributes.isEmpty()) {
            changes.put("attributes", attributes);
        }
        return changes;
    }

    private static void put(Map<String, Object> changes, String field, Object from, Object to) {
        if (!Objects.equals(from, to)) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("from", from);
            change.put("to", to);
            changes.put(field, change);
        }
    }
}
