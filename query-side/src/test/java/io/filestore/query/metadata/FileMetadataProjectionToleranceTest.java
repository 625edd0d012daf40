package io.filestore.query.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.Grant;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.PublicLinkCreatedEvent;
import io.filestore.command.api.Role;
import io.filestore.command.api.TokenHash;
import io.filestore.command.api.UserId;
import io.filestore.query.ViewValues;
import io.filestore.query.metadata.api.FileView;
import io.filestore.query.metadata.api.FileViewChanges;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Events already in an event store with values PostgreSQL cannot hold as they are (U+0000 in text, an expiry a
 * billion years ahead) are applied by the metadata and shares views against the real PostgreSQL instead of failing:
 * NUL is dropped, the instant clamped to the year 9999.
 */
class FileMetadataProjectionToleranceTest {

    private static final Instant T = Instant.parse("2026-03-21T10:00:00Z");
    private static final Instant FAR = Instant.parse("+1000000000-12-31T23:59:59Z");

    private final UserId alice = new UserId("alice");
    private final FileId file = FileId.random();
    private io.filestore.testsupport.TestServicesSource.PrivateSchema schema;
    private SingleConnectionDataSource dataSource;
    private FileMetadataRepository repository;
    private FileMetadataProjection projection;
    private io.filestore.query.shares.SharesProjectionAccess shares;

    @BeforeEach
    void createSchema() throws SQLException {
        schema = io.filestore.testsupport.TestServicesSource.PrivateSchema.migrated("tolerance_test");
        dataSource = schema.dataSource();
        repository = new FileMetadataRepository(JdbcClient.create(dataSource));
        projection = new FileMetadataProjection(repository, new FileViewChanges());
        shares = new io.filestore.query.shares.SharesProjectionAccess(JdbcClient.create(dataSource));
    }

    @AfterEach
    void dropSchema() throws SQLException {
        schema.close();
    }

    @Test
    void appliesTextWithNulWithoutIt() {
        FileMetadata nul = new FileMetadata("de\u0000scription", List.of("t"), "/", Map.of("k", "v\u0000w"));
        projection.on(new FileUploadedEvent(file, new FileName("a.txt"), new MediaType("text/plain"), 3,
                new BlobId("a".repeat(64)), nul, alice), 0, T);
        projection.on(new FileMetadataUpdatedEvent(file, new FileName("a.txt"),
                new FileMetadata("up\u0000dated", List.of(), "/", Map.of("k", "x\u0000y")), alice), 1, T);
        FileView view = repository.findFile(file).orElseThrow();
        assertThat(view.metadata().description()).isEqualTo("updated");
        assertThat(view.metadata().attributes()).isEqualTo(Map.of("k", "xy"));

        projection.on(new FileVersionAddedEvent(file, 2, new BlobId("b".repeat(64)), 4, new MediaType("text/plain"),
                new FileName("a.txt"), FileMetadata.EMPTY, "change\u0000log", alice), 2, T);
        assertThat(repository.versions(file)).extracting(v -> v.changeLog()).contains("changelog");
    }

    @Test
    void appliesAnExpiryBeyondTheYear9999AsTheYear9999() {
        projection.on(new FileUploadedEvent(file, new FileName("a.txt"), new MediaType("text/plain"), 3,
                new BlobId("a".repeat(64)), FileMetadata.EMPTY, alice), 0, T);
        projection.on(new FileSharedEvent(file, "share-1", new Grantee("user:bob"), Role.VIEWER, FAR, alice), 1);
        shares.on(new PublicLinkCreatedEvent(file, "link-1", new TokenHash("c".repeat(64)), null, FAR, null, alice),
                T);

        assertThat(repository.grants(file)).extracting(Grant::expiresAt).containsExactly(ViewValues.MAX_INSTANT);
        assertThat(shares.expiryOf(file)).isEqualTo(ViewValues.MAX_INSTANT);
    }

}
