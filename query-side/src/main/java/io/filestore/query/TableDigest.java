package io.filestore.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Digests PostgreSQL views: every row of every query, as PostgreSQL's text form of the row ({@code SELECT t::text
 * FROM table t ORDER BY key}), one line each, in UTC. Rows are streamed (a cursor of 1,000 rows), never held.
 */
public final class TableDigest {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public TableDigest(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.jdbc.setFetchSize(1000);
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.transaction.setReadOnly(true);
    }

    /** SHA-256 over the rows of each query in turn; each query must return one text column in a stable order. */
    public String digest(List<String> queries) {
        MessageDigest sha256 = newDigest();
        transaction.executeWithoutResult(status -> {
            jdbc.execute("SET LOCAL TimeZone = 'UTC'");
            for (String query : queries) {
                sha256.update((query + "\n").getBytes(StandardCharsets.UTF_8));
                jdbc.query(query, rs -> {
                    sha256.update(rs.getString(1).getBytes(StandardCharsets.UTF_8));
                    sha256.update((byte) '\n');
                });
            }
        });
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
