package io.filestore.api.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Direct access to the test PostgreSQL and Elasticsearch, for tests that create a database of their own or look
 * under the API (a snapshot row, the events of a store).
 */
final class TestServices {

    private TestServices() {
    }

    /** The JDBC URL of a database named after the test database with {@code suffix} appended. */
    static String databaseUrl(String suffix) {
        String base = io.filestore.testsupport.TestServicesSource.services().jdbcUrl();
        int query = base.indexOf('?');
        String withoutQuery = query < 0 ? base : base.substring(0, query);
        return withoutQuery + "_" + suffix;
    }

    /** Drops (disconnecting its sessions) and creates the database of {@code url}. */
    static void recreateDatabase(String url) {
        String name = url.substring(url.lastIndexOf('/') + 1);
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("unexpected database name " + name);
        }
        try (Connection c = connect(io.filestore.testsupport.TestServicesSource.services().jdbcUrl());
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot recreate database " + name, e);
        }
    }

    static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, io.filestore.testsupport.TestServicesSource.services().user(),
                io.filestore.testsupport.TestServicesSource.services().password());
    }

    static long queryLong(String url, String sql) {
        try (Connection c = connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    /** Deletes every Elasticsearch index whose name starts with {@code prefix-}. */
    static void deleteIndices(String prefix) {
        URI es = URI.create(io.filestore.testsupport.TestServicesSource.services().elasticsearchUrl() + "/");
        try {
            HttpResponse<String> list = Api.HTTP.send(HttpRequest.newBuilder(
                            es.resolve("_cat/indices/" + prefix + "-*?h=index")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String index : list.body().split("\\s+")) {
                if (!index.isBlank() && index.startsWith(prefix + "-")) {
                    Api.HTTP.send(HttpRequest.newBuilder(es.resolve(index)).DELETE().build(),
                            HttpResponse.BodyHandlers.discarding());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
