package io.filestore.replay.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.replay.archive.EventRow;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** PostgreSQL's COPY text format: escapes, nulls and bytea hex. */
class RowCopierTest {

    @Test
    void escapesTextWritesBytesAsHexAndNullsAsBackslashN() {
        EventRow row = new EventRow(7L, "agg\t1", 3, null, "id\\x", "type\nline", "1",
                "{}".getBytes(StandardCharsets.UTF_8), null, "2026-01-01T00:00:00Z\r");
        StringBuilder line = new StringBuilder();

        RowCopier.encode(row, true, line);

        assertThat(line.toString()).isEqualTo(
                "7\tagg\\t1\t3\t\\N\tid\\\\x\ttype\\nline\t1\t\\\\x7b7d\t\\N\t2026-01-01T00:00:00Z\\r\n");
    }

    @Test
    void snapshotsHaveNoGlobalIndexColumn() {
        EventRow row = new EventRow(null, "a", 0, "T", "e", "p", null, new byte[]{(byte) 0xff}, new byte[0], "t");
        StringBuilder line = new StringBuilder();

        RowCopier.encode(row, false, line);

        assertThat(line.toString()).isEqualTo("a\t0\tT\te\tp\t\\N\t\\\\xff\t\\\\x\tt\n");
    }
}
