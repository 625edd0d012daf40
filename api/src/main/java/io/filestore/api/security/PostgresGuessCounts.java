package io.filestore.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Wrong-password counts in the {@code password_guess} table (migration V164), shared by every instance on the
 * database, so that a guesser spreading attempts over several instances behind a load balancer is counted once.
 * A key is stored as its SHA-256 (the names hold account names, link ids and client addresses, never passwords).
 * Each failure is one atomic upsert ({@code INSERT ... ON CONFLICT DO UPDATE}); a count whose last failure is older
 * than the forget window restarts at one, and such rows are removed by {@link #forget}.
 */
final class PostgresGuessCounts implements GuessCounts {

    /** A count never grows past this (it only selects the longest delay long before). */
    private static final int MAX_COUNT = 1_000_000;

    private final DataSource dataSource;

    PostgresGuessCounts(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Map<String, Failures> current(List<String> keys, long forgetBefore) {
        Map<String, String> byHash = new HashMap<>();
        for (String key : keys) {
            byHash.put(HexFormat.of().formatHex(hash(key)), key);
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT key, failures, last_failure FROM password_guess WHERE key IN ("
                             + String.join(", ", java.util.Collections.nCopies(keys.size(), "?"))
                             + ") AND last_failure >= ?")) {
            int parameter = 1;
            for (String key : keys) {
                select.setBytes(parameter++, hash(key));
            }
            select.setTimestamp(parameter, new Timestamp(forgetBefore));
            Map<String, Failures> found = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String key = byHash.get(HexFormat.of().formatHex(rows.getBytes(1)));
                    found.put(key, new Failures(rows.getInt(2), rows.getTimestamp(3).getTime()));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new GuessCountsUnavailableException(e);
        }
    }

    @Override
    public void failed(List<String> keys, long now, long forgetBefore) {
        // one statement for every key, in the order of their hashes: concurrent upserts lock rows in one order
        byte[][] hashes = keys.stream().map(PostgresGuessCounts::hash).distinct()
                .sorted(Arrays::compareUnsigned).toArray(byte[][]::new);
        StringBuilder sql = new StringBuilder("INSERT INTO password_guess (key, failures, last_failure) VALUES ");
        for (int i = 0; i < hashes.length; i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, 1, ?)");
        }
        sql.append(" ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN password_guess.last_failure < ? THEN 1 "
                + "ELSE LEAST(password_guess.failures + 1, ").append(MAX_COUNT).append(") END, "
                + "last_failure = GREATEST(password_guess.last_failure, EXCLUDED.last_failure)");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement(sql.toString())) {
            int parameter = 1;
            for (byte[] hash : hashes) {
                upsert.setBytes(parameter++, hash);
                upsert.setTimestamp(parameter++, new Timestamp(now));
            }
            upsert.setTimestamp(parameter, new Timestamp(forgetBefore));
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new GuessCountsUnavailableException(e);
        }
    }

    @Override
    public void clear(String key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM password_guess WHERE key = ?")) {
            delete.setBytes(1, hash(key));
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new GuessCountsUnavailableException(e);
        }
    }

    @Override
    public int forget(long forgetBefore) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM password_guess WHERE last_failure < ?")) {
            delete.setTimestamp(1, new Timestamp(forgetBefore));
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new GuessCountsUnavailableException(e);
        }
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
