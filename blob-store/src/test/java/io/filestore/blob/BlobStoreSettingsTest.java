package io.filestore.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlobStoreSettingsTest {

    private final List<Path> two = List.of(Path.of("n1"), Path.of("n2"));

    @Test
    void acceptsReplicationFactorsFromOneToTheNumberOfNodes() {
        assertThat(new BlobStoreSettings(two, 1, 0, true, 0).replicationFactor()).isEqualTo(1);
        assertThat(new BlobStoreSettings(two, 2, 0, true, 0).replicationFactor()).isEqualTo(2);
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> new BlobStoreSettings(List.of(), 1, 0, true, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobStoreSettings(two, 0, 0, true, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobStoreSettings(two, 3, 0, true, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobStoreSettings(two, 1, -1, true, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobStoreSettings(two, 1, 0, true, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobStoreSettings(List.of(Path.of("n1"), Path.of("./n1")), 1, 0, true, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobStoreSettings(null, 1, 0, true, 0))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void keepsItsOwnCopyOfTheNodes() {
        List<Path> nodes = new ArrayList<>(two);
        BlobStoreSettings settings = new BlobStoreSettings(nodes, 1, 0, true, 0);

        nodes.add(Path.of("n3"));

        assertThat(settings.nodes()).containsExactlyElementsOf(two);
    }
}
