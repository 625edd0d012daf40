package io.filestore.query.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.FileId;
import org.junit.jupiter.api.Test;

/**
 * A file indexed by another instance's search processor, announced through {@link SearchApplied#applied}, counts
 * as indexed for the writers waiting here (they wait on the index signals, not on the plain applied signals).
 */
class SearchAppliedTest {

    private final IndexSignals signals = new IndexSignals();
    private final SearchApplied view = new SearchApplied(null, signals, null);

    @Test
    void anAnnouncedFileCountsAsIndexed() {
        FileId file = FileId.random();

        view.applied(file.value(), 3);

        assertThat(signals.lastIndexed(file)).isEqualTo(3);
    }

    @Test
    void anAnnouncedAggregateThatIsNoFileIsIgnored() {
        view.applied("user-account-ada", 2);

        assertThat(signals.lastIndexed(FileId.random())).isEqualTo(-1);
    }
}
