package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.testsupport.TestServicesSource;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The deployment files against the running service and the real services: the health checks of
 * docker-compose.yml and the Dockerfile answer 200 without credentials, and the services the tests run against are
 * the versions .env names. Where a Docker engine answers, PostgreSQL and Elasticsearch also start as containers.
 */
class DeploymentFilesIT {

    @Test
    void theHealthChecksOfComposeAndTheDockerfileAnswerWithoutCredentials() throws Exception {
        Api anyone = Api.newUser();
        String compose = Files.readString(TestServicesSource.repositoryRoot().resolve("docker-compose.yml"));
        String dockerfile = Files.readString(TestServicesSource.repositoryRoot().resolve("Dockerfile"));
        Matcher paths = Pattern.compile("http://127\\.0\\.0\\.1:(?:8080|\\$\\{SERVER_PORT})(/[A-Za-z0-9/_-]*)")
                .matcher(compose + "\n" + dockerfile);
        int checked = 0;
        while (paths.find()) {
            HttpResponse<String> answer = anyone.send(HttpRequest.newBuilder(anyone.app.uri(paths.group(1))).GET()
                    .build());
            assertThat(answer.statusCode()).as(paths.group(1)).isEqualTo(200);
            checked++;
        }
        assertThat(checked).isEqualTo(2);
    }

    @Test
    void theTestServicesAreTheVersionsOfTheOnePlace() throws Exception {
        var versions = TestServicesSource.versions();
        var services = TestServicesSource.services();
        try (Connection c = TestServices.connect(services.jdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith(versions.get("POSTGRES_VERSION") + ".");
        }
        HttpResponse<String> root = Api.HTTP.send(HttpRequest.newBuilder(
                        java.net.URI.create(services.elasticsearchUrl() + "/_nodes/_local/_none")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).contains("\"version\":\"" + versions.get("ELASTICSEARCH_VERSION") + "\"");
    }

    @Test
    void servicesStartAsContainersWhereADockerEngineAnswers() throws Exception {
        Assumptions.assumeTrue(TestServicesSource.dockerAvailable(),
                "no Docker engine answers here: the suite runs on the services ./filestore test provisions");
        var services = TestServicesSource.Containers.start();
        try (Connection c = TestServices.connect(services.jdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith(TestServicesSource.versions().get("POSTGRES_VERSION") + ".");
        }
        HttpResponse<String> health = Api.HTTP.send(HttpRequest.newBuilder(
                java.net.URI.create(services.elasticsearchUrl() + "/_cluster/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
