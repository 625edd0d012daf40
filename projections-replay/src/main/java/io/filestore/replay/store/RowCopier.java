package io.filestore.replay.store;

import io.filestore.replay.archive.EventRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Loads rows into an event store table with PostgreSQL's {@code COPY … FROM STDIN} (text format), streaming, in the
 * connection's transaction. Text columns are escaped, byte columns written as {@code \x} hex, nulls as {@code \N}.
 */
public final class RowCopier implements AutoCloseable {

    private static final HexFormat HEX = HexFormat.of();

    private final PGCopyOutputStream out;
    private final boolean withGlobalIndex;
    private final StringBuilder line = new StringBuilder(1024);
    private long rows;
    private boolean done;

    RowCopier(Connection connection, String table, boolean withGlobalIndex) throws SQLException {
        this.withGlobalIndex = withGlobalIndex;
        String columns = (withGlobalIndex ? "global_index, " : "") + "aggregate_identifier, sequence_number, type, "
                + "event_identifier, payload_type, payload_revision, payload, meta_data, time_stamp";
        this.out = new PGCopyOutputStream(connection.unwrap(PGConnection.class),
                "COPY " + table + " (" + columns + ") FROM STDIN", 256 * 1024);
    }

    public void add(EventRow row) {
        line.setLength(0);
        encode(row, withGlobalIndex, line);
        try {
            out.write(line.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("loading events failed: " + e.getMessage(), e);
        }
        rows++;
    }

    /** One line of COPY's text format for {@code row}, newline included. */
    static void encode(EventRow row, boolean withGlobalIndex, StringBuilder line) {
        if (withGlobalIndex) {
            line.append(row.globalIndex()).append('\t');
        }
        text(line, row.aggregateIdentifier()).append('\t');
        line.append(row.sequenceNumber()).append('\t');
        text(line, row.type()).append('\t');
        text(line, row.eventIdentifier()).append('\t');
        text(line, row.payloadType()).append('\t');
        text(line, row.payloadRevision()).append('\t');
        bytes(line, row.payload()).append('\t');
        bytes(line, row.metaData()).append('\t');
        text(line, row.timeStamp()).append('\n');
    }

    /** Ends the COPY; returns how many rows were loaded. */
    public long finish() throws SQLException {
        try {
            out.close();
            done = true;
        } catch (IOException e) {
            throw new SQLException("loading events failed: " + e.getMessage(), e);
        }
        return rows;
    }

    @Override
    public void close() throws SQLException {
        if (!done && out.isActive()) {
            out.cancelCopy();
        }
    }

    private static StringBuilder text(StringBuilder line, String value) {
        if (value == null) {
            return line.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\t' -> line.append("\\t");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                default -> line.append(c);
            }
        }
        return line;
    }

    private static StringBuilder bytes(StringBuilder line, byte[] value) {
        if (value == null) {
            return line.append("\\N");
        }
        return line.append("\\\\x").append(HEX.formatHex(value));
    }
}
