package io.filestore.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.elasticsearch.ElasticsearchContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The one place the tests get PostgreSQL and Elasticsearch from. Every integration and end-to-end test asks
 * {@link #services()} and never knows which source answered:
 * <ul>
 *   <li>{@code containers}: PostgreSQL and Elasticsearch run as containers (Testcontainers), started once per test
 *       JVM, in the versions of the repository's {@code .env}. Chosen when a Docker engine answers (Testcontainers'
 *       own detection) and {@code ./filestore test} did not provision the services itself.</li>
 *   <li>{@code provisioned}: the services {@code ./filestore test} started on this machine, from its
 *       {@code FILESTORE_TEST_*} variables (defaults: 127.0.0.1:5432 database {@code filestore_test}, 127.0.0.1:9200).</li>
 * </ul>
 * {@code FILESTORE_TEST_SERVICES=containers|provisioned} forces a source.
 */
public final class TestServicesSource {

    /** Where the tests' services are. {@code jdbcUrl} is the test database, which the tests may drop and create. */
    public record Services(String source, String jdbcUrl, String user, String password, String elasticsearchUrl,
                           String indexPrefix) {
    }

    private static Services services;

    private TestServicesSource() {
    }

    public static synchronized Services services() {
        if (services == null) {
            String forced = System.getenv("FILESTORE_TEST_SERVICES");
            boolean containers = forced != null && !forced.isBlank()
                    ? forced.equals("containers")
                    : System.getenv("FILESTORE_TEST_DB_URL") == null && dockerAvailable();
            services = containers ? Containers.start() : provisioned();
        }
        return services;
    }

    /** The services {@code ./filestore test} provisioned (its environment variables, or their defaults). */
    public static Services provisioned() {
        return new Services("provisioned",
                env("FILESTORE_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/filestore_test"),
                env("FILESTORE_TEST_DB_USER", "filestore"), env("FILESTORE_TEST_DB_PASSWORD", "filestore"),
                env("FILESTORE_TEST_ES_URL", "http://127.0.0.1:9200"),
                env("FILESTORE_TEST_INDEX_PREFIX", "filestore-test"));
    }

    /** Whether a Docker engine answers, as Testcontainers detects it (false, never an error, when none does). */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The service versions of the repository's {@code .env} (shared with docker-compose.yml and ./filestore). */
    public static Map<String, String> versions() {
        Path file = repositoryRoot().resolve(".env");
        Map<String, String> versions = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                int eq = trimmed.indexOf('=');
                if (!trimmed.startsWith("#") && eq > 0) {
                    versions.put(trimmed.substring(0, eq), trimmed.substring(eq + 1).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return versions;
    }

    /** The repository's top directory: the nearest directory above the working directory holding {@code .env}. */
    public static Path repositoryRoot() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(".env")) && Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (.env and docker-compose.yml) above "
                + Paths.get("").toAbsolutePath());
    }

    /**
     * Runs every Flyway migration on the test classpath ({@code db/migration/V<n>__*.sql}) in version order on
     * {@code connection}: the schema of the views as the application creates it, for tests that build it in a
     * schema of their own.
     */
    public static void migrate(java.sql.Connection connection) {
        try {
            var resources = new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
                    .getResources("classpath*:db/migration/V*__*.sql");
            java.util.Arrays.sort(resources, java.util.Comparator.comparingLong(TestServicesSource::version));
            for (var resource : resources) {
                org.springframework.jdbc.datasource.init.ScriptUtils.executeSqlScript(connection, resource);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A schema of a test's own in the test database with every view migration applied ({@link #migrate}); its data
     * source's one connection works in it. {@link #close()} drops it.
     */
    public static final class PrivateSchema implements AutoCloseable {

        private final String name;
        private final org.springframework.jdbc.datasource.SingleConnectionDataSource dataSource;

        private PrivateSchema(String name, org.springframework.jdbc.datasource.SingleConnectionDataSource dataSource) {
            this.name = name;
            this.dataSource = dataSource;
        }

        /** Creates {@code <prefix>_<random>} and migrates it. */
        public static PrivateSchema migrated(String prefix) throws java.sql.SQLException {
            Services services = services();
            String name = prefix + "_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(services.jdbcUrl(), services.user(),
                    services.password()); java.sql.Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + name);
            }
            String url = services.jdbcUrl();
            var dataSource = new org.springframework.jdbc.datasource.SingleConnectionDataSource(
                    url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name, services.user(),
                    services.password(), true);
            try (java.sql.Connection c = dataSource.getConnection()) {
                migrate(c);
            }
            return new PrivateSchema(name, dataSource);
        }

        public org.springframework.jdbc.datasource.SingleConnectionDataSource dataSource() {
            return dataSource;
        }

        /** Runs statements in the schema (tables a test needs beyond the views'). */
        public void execute(String... statements) throws java.sql.SQLException {
            try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
                for (String statement : statements) {
                    s.execute(statement);
                }
            }
        }

        @Override
        public void close() throws java.sql.SQLException {
            try {
                execute("DROP SCHEMA " + name + " CASCADE");
            } finally {
                dataSource.destroy();
            }
        }
    }

    private static long version(org.springframework.core.io.Resource migration) {
        String name = java.util.Objects.requireNonNull(migration.getFilename());
        return Long.parseLong(name.substring(1, name.indexOf("__")).replace("_", ""));
    }

    public static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** PostgreSQL and Elasticsearch as containers, one pair per JVM, removed by Testcontainers when it exits. */
    public static final class Containers {

        private Containers() {
        }

        public static Services start() {
            Map<String, String> versions = versions();
            PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:" + versions.get("POSTGRES_VERSION"))
                    .withDatabaseName("filestore_test").withUsername("filestore").withPassword("filestore");
            ElasticsearchContainer elasticsearch = new ElasticsearchContainer(
                    "docker.elastic.co/elasticsearch/elasticsearch:" + versions.get("ELASTICSEARCH_VERSION"))
                    .withEnv("xpack.security.enabled", "false")
                    .withEnv("discovery.type", "single-node")
                    .withEnv("cluster.routing.allocation.disk.threshold_enabled", "false")
                    .withEnv("ES_JAVA_OPTS", "-Xms512m -Xmx512m")
                    .withStartupTimeout(Duration.ofMinutes(3));
            for (var container : List.of(postgres, elasticsearch)) {
                container.start();
            }
            return new Services("containers", postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword(),
                    "http://" + elasticsearch.getHttpHostAddress(), "filestore-test");
        }
    }
}
