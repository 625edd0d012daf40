package io.filestore.query.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangesTest {

    private final FileName name = new FileName("a.txt");
    private final FileMetadata before = new FileMetadata("old", List.of("x"), "/docs", Map.of("k", "1", "gone", "y"));

    @Test
    void listsOnlyWhatDiffersWithItsFormerAndNewValue() {
        FileMetadata after = new FileMetadata("old", List.of("x", "y"), "/docs", Map.of("k", "2", "new", "z"));

        Map<String, Object> changes = Changes.between(name, before, new FileName("b.txt"), after);

        assertThat(changes).containsOnlyKeys("name", "tags", "attributes");
        assertThat(changes.get("name")).isEqualTo(Map.of("from", "a.txt", "to", "b.txt"));
        assertThat(changes.get("tags")).isEqualTo(Map.of("from", List.of("x"), "to", List.of("x", "y")));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> attributes = (Map<String, Map<String, Object>>) changes.get("attributes");
        assertThat(attributes).containsOnlyKeys("gone", "k", "new");
        assertThat(attributes.get("gone")).containsEntry("from", "y").containsEntry("to", null);
        assertThat(attributes.get("new")).containsEntry("from", null).containsEntry("to", "z");
    }

    @Test
    void nothingChangedIsAnEmptyChange() {
        assertThat(Changes.between(name, before, name, before)).isEmpty();
    }
}
