package io.filestore.query.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileDownloadedEvent;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import io.filestore.query.audit.api.AuditAction;
import io.filestore.query.audit.api.AuditEntryView;
import io.filestore.query.audit.api.AuditPage;
import io.filestore.query.audit.api.AuditQuery;
import io.filestore.query.audit.api.FileHistoryQuery;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The audit projection and its query handler against the real PostgreSQL (the test database, in a schema of the
 * test's own created from migrations V50 and V160): handlers called as Axon calls them, then queried.
 */
class AuditProjectionTest {

    private static final Instant T = Instant.parse("2026-03-21T10:00:00Z");

    private final UserId alice = new UserId("alice");
    private final UserId bob = new UserId("bob");
    private final FileId file = FileId.random();
    private io.filestore.testsupport.TestServicesSource.PrivateSchema schema;
    private SingleConnectionDataSource dataSource;
    private AuditProjection projection;
    private AuditQueryHandler queries;
    private long position;

    @BeforeEach
    void createSchema() throws SQLException {
        schema = io.filestore.testsupport.TestServicesSource.PrivateSchema.migrated("audit_test");
        dataSource = schema.dataSource();
        // the two columns of Axon's event table the projection reads (the table is created by api's V1)
        schema.execute("CREATE TABLE domain_event_entry (global_index BIGINT PRIMARY KEY, "
                + "event_identifier VARCHAR(255) NOT NULL UNIQUE)");
        AuditRepository repository = new AuditRepository(JdbcClient.create(dataSource));
        projection = new AuditProjection(repository);
        queries = new AuditQueryHandler(repository);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        schema.close();
    }

    @Test
    void recordsAccountTokenBackupAndLinkFactsWithTargetAndClientAddressButNoSecret() {
        UserId admin = new UserId("admin");
        FileUploadedEvent upload = uploaded();
        projection.on(upload, message(upload), 0, T.minusSeconds(10), token());
        var created = new io.filestore.command.api.UserCreatedEvent(bob, "Bob",
                new io.filestore.command.api.PasswordHash("{bcrypt-sha256}$2a$10$secrethashsecrethashsecrethashsecrethashsecrethashsecre"),
                false, admin);
        projection.on(created, message(created).andMetaData(Map.of("clientAddress", "203.0.113.7")), T, token());
        var reset = new io.filestore.command.api.UserPasswordSetEvent(bob,
                new io.filestore.command.api.PasswordHash("{bcrypt-sha256}$2a$10$otherhashotherhashotherhashotherhashotherhashotherhashot"),
                admin);
        projection.on(reset, message(reset), T.plusSeconds(1), token());
        var groups = new io.filestore.command.api.UserGroupsSetEvent(bob, java.util.Set.of("ops", "finance"), admin);
        projection.on(groups, message(groups), T.plusSeconds(2), token());
        var issued = new io.filestore.command.api.ApiTokenIssuedEvent(bob, "tok1", "laptop",
                new io.filestore.command.api.TokenHash("b".repeat(64)), T.plusSeconds(86400), bob);
        projection.on(issued, message(issued).andMetaData(Map.of("clientAddress", "x".repeat(100) + "\u0000")),
                T.plusSeconds(3), token());
        var backup = new io.filestore.command.api.BackupStartedEvent("20260321T100004Z-abc123", admin);
        projection.on(backup, message(backup), T.plusSeconds(4), token());
        var link = new io.filestore.command.api.PublicLinkDownloadedEvent("share-1", file, 2, true);
        projection.on(link, message(link).andMetaData(Map.of("clientAddress", "2001:db8::1")), T.plusSeconds(5),
                token());

        List<AuditEntryView> all = queries.handle(new AuditQuery(null, null, null, null, null, null, 0, 10)).entries();

        assertThat(all).extracting(AuditEntryView::action).containsExactly(AuditAction.LINK_DOWNLOAD,
                AuditAction.BACKUP_START, AuditAction.TOKEN_ISSUE, AuditAction.GROUPS_SET, AuditAction.PASSWORD_SET,
                AuditAction.USER_CREATE, AuditAction.UPLOAD);
        assertThat(all).extracting(AuditEntryView::target).containsExactly("link:share-1",
                "backup:20260321T100004Z-abc123", "token:tok1", "user:bob", "user:bob", "user:bob",
                "file:" + file.value());
        assertThat(all.get(0).fileId()).isEqualTo(file);
        assertThat(all.get(0).actor()).isNull();
        assertThat(all.get(0).clientAddress()).isEqualTo("2001:db8::1");
        assertThat(all.get(0).details()).isEqualTo(Map.of("shareId", "share-1", "version", 2, "partial", true));
        assertThat(all.get(1).fileId()).isNull();
        assertThat(all.get(2).clientAddress()).hasSize(64);
        assertThat(all.get(2).details()).containsEntry("name", "laptop").containsEntry("userId", "bob")
                .doesNotContainKey("tokenHash");
        assertThat(all.get(3).details()).isEqualTo(Map.of("groups", List.of("finance", "ops")));
        assertThat(all.get(4).details()).isEqualTo(Map.of("reset", true));
        assertThat(all.get(5).actor()).isEqualTo(admin);
        assertThat(all.get(5).clientAddress()).isEqualTo("203.0.113.7");
        assertThat(all.toString()).doesNotContain("secrethash").doesNotContain("otherhash")
                .doesNotContain("bbbbbbbbbbbbbbbb");
        assertThat(queries.handle(new AuditQuery(null, null, "user:bob", null, null, null, 0, 10)).entries())
                .hasSize(3);
        assertThat(queries.handle(new AuditQuery(null, null, null, AuditAction.TOKEN_ISSUE, null, null, 0, 10))
                .entries()).extracting(AuditEntryView::target).containsExactly("token:tok1");
        // facts about no file stay out of every file's history
        assertThat(queries.handle(new FileHistoryQuery(file, alice, true, 0, 10)).orElseThrow().entries())
                .extracting(AuditEntryView::action).containsExactly(AuditAction.LINK_DOWNLOAD, AuditAction.UPLOAD);
    }

    @Test
    void recordsWhoDidWhatWhenNewestFirst() {
        FileUploadedEvent upload = uploaded();
        projection.on(upload, message(upload), 0, T, token());
        FileMetadataUpdatedEvent rename = new FileMetadataUpdatedEvent(file, new FileName("b.txt"),
                new FileMetadata("about b", List.of(), "/", Map.of()), alice);
        projection.on(rename, message(rename), 1, T.plusSeconds(1), token());
        FileDownloadedEvent download = new FileDownloadedEvent(file, 1, bob, false);
        projection.on(download, message(download), T.plusSeconds(2), token());
        FileDeletedEvent delete = new FileDeletedEvent(file, alice);
        projection.on(delete, message(delete), T.plusSeconds(3), token());

        AuditPage page = queries.handle(new FileHistoryQuery(file, alice, false, 0, 10)).orElseThrow();

        assertThat(page.hasMore()).isFalse();
        assertThat(page.entries()).extracting(AuditEntryView::action)
                .containsExactly(AuditAction.DELETE, AuditAction.DOWNLOAD, AuditAction.METADATA, AuditAction.UPLOAD);
        assertThat(page.entries().get(1).actor()).isEqualTo(bob);
        assertThat(page.entries().get(2).details()).isEqualTo(Map.of("changes", Map.of(
                "name", Map.of("from", "a.txt", "to", "b.txt"),
                "description", mapOf("from", null, "to", "about b"))));
        assertThat(page.entries().get(3).at()).isEqualTo(T);
    }

    @Test
    void recordsTheEventsOwnGlobalIndexNotTheProcessorsFurthestPosition() {
        FileUploadedEvent upload = uploaded();
        EventMessage<?> uploadMessage = message(upload);
        FileDownloadedEvent download = new FileDownloadedEvent(file, 1, bob, false);
        EventMessage<?> downloadMessage = message(download);
        storeEvent(7, uploadMessage);
        storeEvent(5, downloadMessage);

        // live: the download filled a gap, so the processor's token is already at 7 when it handles index 5
        projection.on(upload, uploadMessage, 0, T, new GlobalSequenceTrackingToken(7));
        projection.on(download, downloadMessage, T.plusSeconds(1), new GlobalSequenceTrackingToken(7));
        List<Map<String, Object>> live = auditRows();
        projection.reset();
        // a replay reads them in index order, each with its own position
        projection.on(download, downloadMessage, T.plusSeconds(1), new GlobalSequenceTrackingToken(5));
        projection.on(upload, uploadMessage, 0, T, new GlobalSequenceTrackingToken(7));

        assertThat(auditRows()).isEqualTo(live);
        assertThat(live).extracting(row -> row.get("global_index")).containsExactly(5L, 7L);
    }

    @Test
    void recordsAChangeWhoseTextHoldsNulWithoutIt() {
        FileUploadedEvent upload = uploaded();
        projection.on(upload, message(upload), 0, T, token());
        FileMetadataUpdatedEvent nul = new FileMetadataUpdatedEvent(file, new FileName("a.txt"),
                new FileMetadata("in\u0000valid", List.of(), "/", Map.of("k", "v\u0000w")), alice);
        projection.on(nul, message(nul), 1, T.plusSeconds(1), token());

        AuditPage page = queries.handle(new FileHistoryQuery(file, alice, false, 0, 10)).orElseThrow();

        assertThat(page.entries()).extracting(AuditEntryView::action)
                .containsExactly(AuditAction.METADATA, AuditAction.UPLOAD);
        assertThat(page.entries().get(0).details().toString()).contains("invalid").doesNotContain("\u0000");
    }

    @Test
    void aReplayedEventIsRecordedOnce() {
        FileUploadedEvent upload = uploaded();
        EventMessage<?> message = message(upload);
        projection.on(upload, message, 0, T, token());
        projection.on(upload, message, 0, T, token());

        assertThat(queries.handle(new FileHistoryQuery(file, alice, false, 0, 10)).orElseThrow().entries()).hasSize(1);
    }

    @Test
    void theHistoryIsTheOwnersOrAnAdministrators() {
        FileUploadedEvent upload = uploaded();
        projection.on(upload, message(upload), 0, T, token());

        assertThat(queries.handle(new FileHistoryQuery(file, bob, false, 0, 10))).isEmpty();
        assertThat(queries.handle(new FileHistoryQuery(file, bob, true, 0, 10))).isPresent();
        assertThat(queries.handle(new FileHistoryQuery(FileId.random(), alice, true, 0, 10))).isEqualTo(Optional.empty());
    }

    @Test
    void aResetEmptiesTheTrail() {
        FileUploadedEvent upload = uploaded();
        projection.on(upload, message(upload), 0, T, token());

        projection.reset();

        assertThat(queries.handle(new AuditQuery(null, null, null, null, null, null, 0, 10)).entries()).isEmpty();
        assertThat(queries.handle(new FileHistoryQuery(file, alice, true, 0, 10))).isEmpty();
    }

    @Test
    void filtersTheTrailAcrossFiles() {
        FileUploadedEvent upload = uploaded();
        projection.on(upload, message(upload), 0, T, token());
        FileDownloadedEvent download = new FileDownloadedEvent(file, 1, bob, true);
        projection.on(download, message(download), T.plusSeconds(5), token());

        assertThat(queries.handle(new AuditQuery(bob, null, null, null, null, null, 0, 10)).entries())
                .extracting(AuditEntryView::action).containsExactly(AuditAction.DOWNLOAD);
        assertThat(queries.handle(new AuditQuery(null, file, null, AuditAction.UPLOAD, null, null, 0, 10)).entries())
                .hasSize(1);
        assertThat(queries.handle(new AuditQuery(null, null, null, null, T.plusSeconds(1), T.plusSeconds(6), 0, 10))
                .entries()).extracting(AuditEntryView::action).containsExactly(AuditAction.DOWNLOAD);
        AuditPage first = queries.handle(new AuditQuery(null, file, null, null, null, null, 0, 1));
        assertThat(first.hasMore()).isTrue();
        assertThat(first.entries()).extracting(AuditEntryView::action).containsExactly(AuditAction.DOWNLOAD);
    }

    private void storeEvent(long globalIndex, EventMessage<?> message) {
        JdbcClient.create(dataSource).sql("INSERT INTO domain_event_entry (global_index, event_identifier) VALUES (?, ?)")
                .params(globalIndex, message.getIdentifier()).update();
    }

    private List<Map<String, Object>> auditRows() {
        return JdbcClient.create(dataSource)
                .sql("SELECT event_id, global_index, file_id, action, actor, occurred_at, details::text AS details "
                        + "FROM audit_entry ORDER BY global_index")
                .query().listOfRows();
    }

    private FileUploadedEvent uploaded() {
        return new FileUploadedEvent(file, new FileName("a.txt"), new MediaType("text/plain"), 3,
                new BlobId("a".repeat(64)), FileMetadata.EMPTY, alice);
    }

    private static EventMessage<?> message(Object payload) {
        return GenericEventMessage.asEventMessage(payload);
    }

    private GlobalSequenceTrackingToken token() {
        return new GlobalSequenceTrackingToken(++position);
    }

    private static Map<String, Object> mapOf(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new java.util.HashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

}
