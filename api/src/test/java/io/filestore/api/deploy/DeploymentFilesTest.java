package io.filestore.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.testsupport.TestServicesSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, the Dockerfile, .env and the README agree with each other and with the code, beyond syntax:
 * the images take their versions from .env (the versions ./filestore provisions and the tests' containers use),
 * every setting the compose file gives the service is one the README documents and the application reads, and the
 * health checks call the service's real health endpoint (answered by {@code DeploymentFilesIT}).
 */
class DeploymentFilesTest {

    private static final Path ROOT = TestServicesSource.repositoryRoot();

    @Test
    void composeImagesTakeTheirVersionsFromTheOnePlace() throws IOException {
        Map<String, String> versions = TestServicesSource.versions();
        assertThat(versions).containsKeys("POSTGRES_VERSION", "ELASTICSEARCH_VERSION");
        assertThat(versions.get("POSTGRES_VERSION")).matches("\\d+");
        assertThat(versions.get("ELASTICSEARCH_VERSION")).matches("8\\.19\\.\\d+");

        Map<String, Map<String, Object>> services = services();
        assertThat(services).containsKeys("postgres", "elasticsearch", "app");
        assertThat(resolve((String) services.get("postgres").get("image"), versions))
                .isEqualTo("postgres:" + versions.get("POSTGRES_VERSION"));
        assertThat(resolve((String) services.get("elasticsearch").get("image"), versions))
                .isEqualTo("docker.elastic.co/elasticsearch/elasticsearch:" + versions.get("ELASTICSEARCH_VERSION"));

        // ./filestore provisions the same versions (scripts/lib.sh reads .env) ...
        String lib = Files.readString(ROOT.resolve("scripts/lib.sh"));
        assertThat(lib).contains("fs_service_version POSTGRES_VERSION").contains("fs_service_version ELASTICSEARCH_VERSION")
                .doesNotContainPattern("FS_ES_VERSION=[0-9]");
        // ... and the Elasticsearch client the code uses is of the server's line.
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher client = Pattern.compile("<elasticsearch-client.version>(\\d+\\.\\d+)\\.").matcher(pom);
        assertThat(client.find()).isTrue();
        assertThat(versions.get("ELASTICSEARCH_VERSION")).startsWith(client.group(1) + ".");
    }

    @Test
    void everySettingTheComposeFileGivesTheServiceIsDocumentedAndRead() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> environment = (Map<String, Object>) services().get("app").get("environment");
        assertThat(environment).isNotEmpty();
        String readme = Files.readString(ROOT.resolve("README.md"));
        String configuration = readme.substring(readme.indexOf("## Configuration"));
        String applicationYml = Files.readString(ROOT.resolve("api/src/main/resources/application.yml"));
        for (String name : environment.keySet()) {
            assertThat(configuration).as("README's configuration table documents " + name).contains("`" + name + "`");
            assertThat(applicationYml.contains("${" + name + ":") || name.equals("JAVA_OPTS"))
                    .as("application.yml reads " + name).isTrue();
        }
        // the service talks to the compose file's own PostgreSQL and Elasticsearch
        assertThat(environment.get("FILESTORE_DB_URL")).isEqualTo("jdbc:postgresql://postgres:5432/filestore");
        assertThat(environment.get("FILESTORE_ES_URL")).isEqualTo("http://elasticsearch:9200");
    }

    @Test
    void healthChecksCallTheServicesHealthEndpoint() throws IOException {
        assertThat(healthCheckPaths()).isNotEmpty().allMatch(p -> p.equals("/actuator/health") || p.equals("/health"));
    }

    /** The HTTP paths the compose file's and the Dockerfile's health checks of the service call. */
    static List<String> healthCheckPaths() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> check = (Map<String, Object>) services().get("app").get("healthcheck");
        String compose = String.valueOf(check.get("test"));
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        String healthLine = dockerfile.substring(dockerfile.indexOf("HEALTHCHECK"));
        return java.util.stream.Stream.of(compose, healthLine.substring(0, healthLine.indexOf("|| exit")))
                .map(DeploymentFilesTest::path).toList();
    }

    private static String path(String command) {
        Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(?:8080|\\$\\{SERVER_PORT})(/[A-Za-z0-9/_-]*)").matcher(command);
        if (!m.find()) {
            throw new AssertionError("no health URL of the service in: " + command);
        }
        return m.group(1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    /** Compose's ${NAME:?message} substitution, from .env. */
    private static String resolve(String value, Map<String, String> variables) {
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+)(?::?[?-][^}]*)?}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = variables.get(m.group(1));
            assertThat(replacement).as(".env defines " + m.group(1)).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
