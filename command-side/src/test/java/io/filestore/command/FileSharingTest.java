package io.filestore.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.Actor;
import io.filestore.command.api.AddFileVersionCommand;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.CreatePublicLinkCommand;
import io.filestore.command.api.DeleteFileCommand;
import io.filestore.command.api.FileAccessDeniedException;
import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileDeletedException;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.Grant;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.InsufficientPermissionException;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.PasswordHash;
import io.filestore.command.api.PublicLinkCreatedEvent;
import io.filestore.command.api.RevokeShareCommand;
import io.filestore.command.api.Role;
import io.filestore.command.api.ShareFileCommand;
import io.filestore.command.api.ShareRevokedEvent;
import io.filestore.command.api.TokenHash;
import io.filestore.command.api.UnknownShareException;
import io.filestore.command.api.UserId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FileSharingTest {

    private static final FileId ID = new FileId("0b4f4f64-8f5e-4a0a-8a34-5bb7b0f7a001");
    private static final UserId OWNER = new UserId("owner");
    private static final UserId ED = new UserId("ed");
    private static final UserId VI = new UserId("vi");
    private static final UserId AD = new UserId("ad");
    private static final BlobId BLOB = new BlobId("a".repeat(64));
    private static final BlobId BLOB_2 = new BlobId("b".repeat(64));
    private static final MediaType TEXT = new MediaType("text/plain");
    private static final FileName NAME = new FileName("n.txt");
    private static final FileUploadedEvent UPLOADED =
            new FileUploadedEvent(ID, NAME, TEXT, 1, BLOB, FileMetadata.EMPTY, OWNER);
    private static final Instant LATER = Instant.now().plus(1, ChronoUnit.DAYS);
    private static final FileSharedEvent EDITOR = share("share-ed-1", "user:ed", Role.EDITOR, null);
    private static final FileSharedEvent VIEWER = share("share-vi-1", "user:vi", Role.VIEWER, null);
    private static final FileSharedEvent ADMIN = share("share-ad-1", "user:ad", Role.ADMIN, null);
    private static final FileSharedEvent GROUP = share("share-gr-1", "group:team", Role.EDITOR, null);

    private FixtureConfiguration<FileEntry> fixture;

    private static FileSharedEvent share(String id, String grantee, Role role, Instant expires) {
        return new FileSharedEvent(ID, id, new Grantee(grantee), role, expires, OWNER);
    }

    private static AddFileVersionCommand newVersionBy(Actor actor) {
        return new AddFileVersionCommand(ID, BLOB_2, 2, TEXT, null, null, null, actor, null);
    }

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(FileEntry.class);
    }

    @Nested
    class Share {

        @Test
        void ownerSharesWithAUserInARole() {
            fixture.given(UPLOADED)
                    .when(new ShareFileCommand(ID, "share-ed-1", new Grantee("user:ed"), Role.EDITOR, null,
                            Actor.user(OWNER)))
                    .expectEvents(EDITOR);
        }

        @Test
        void fileAdminMayGrantAdmin() {
            fixture.given(UPLOADED, ADMIN)
                    .when(new ShareFileCommand(ID, "share-x-001", new Grantee("user:x"), Role.ADMIN, LATER,
                            Actor.user(AD)))
                    .expectEvents(new FileSharedEvent(ID, "share-x-001", new Grantee("user:x"), Role.ADMIN, LATER, AD));
        }

        @Test
        void rejectsAShareWithAStaleRevision() {
            // EDITOR (sequence 1) changed the permissions since the client read revision 0.
            fixture.given(UPLOADED, EDITOR)
                    .when(new ShareFileCommand(ID, "share-x-001", new Grantee("user:x"), Role.VIEWER, null,
                            Actor.user(OWNER), io.filestore.command.api.ExpectedState.revision(0)))
                    .expectException(io.filestore.command.api.VersionConflictException.class)
                    .expectNoEvents();
        }

        @Test
        void rejectsARevokeWithAStaleRevision() {
            fixture.given(UPLOADED, EDITOR, VIEWER)
                    .when(new RevokeShareCommand(ID, "share-ed-1", Actor.user(OWNER),
                            io.filestore.command.api.ExpectedState.revision(1)))
                    .expectException(io.filestore.command.api.VersionConflictException.class)
                    .expectNoEvents();
        }

        @Test
        void editorCannotGrantAdmin() {
            fixture.given(UPLOADED, EDITOR)
                    .when(new ShareFileCommand(ID, "share-x-001", new Grantee("user:x"), Role.ADMIN, null,
                            Actor.user(ED)))
                    .expectException(InsufficientPermissionException.class)
                    .expectNoEvents();
        }

        @Test
        void strangerCannotShareAndDoesNotLearnTheFileExists() {
            fixture.given(UPLOADED)
                    .when(new ShareFileCommand(ID, "share-x-001", new Grantee("user:x"), Role.VIEWER, null,
                            Actor.user(new UserId("stranger"))))
                    .expectException(FileAccessDeniedException.class);
        }

        @Test
        void cannotShareADeletedFile() {
            fixture.given(UPLOADED, new FileDeletedEvent(ID, OWNER))
                    .when(new ShareFileCommand(ID, "share-x-001", new Grantee("user:x"), Role.VIEWER, null,
                            Actor.user(OWNER)))
                    .expectException(FileDeletedException.class);
        }

        @Test
        void rejectsSharingWithTheOwnerAnExpiryInThePastOrAReusedId() {
            fixture.given(UPLOADED)
                    .when(new ShareFileCommand(ID, "share-x-001", new Grantee("user:owner"), Role.VIEWER, null,
                            Actor.user(OWNER)))
                    .expectException(InvalidValueException.class);
            fixture.given(UPLOADED)
                    .when(new ShareFileCommand(ID, "share-x-001", new Grantee("user:x"), Role.VIEWER,
                            Instant.now().minusSeconds(5), Actor.user(OWNER)))
                    .expectException(InvalidValueException.class);
            fixture.given(UPLOADED, EDITOR)
                    .when(new ShareFileCommand(ID, "share-ed-1", new Grantee("user:x"), Role.VIEWER, null,
                            Actor.user(OWNER)))
                    .expectException(InvalidValueException.class);
        }

        @Test
        void publicLinkKeepsOnlyHashes() {
            TokenHash token = new TokenHash("c".repeat(64));
            PasswordHash password = new PasswordHash("{bcrypt}$2a$10$abcdefghijklmnopqrstuv");
            fixture.given(UPLOADED)
                    .when(new CreatePublicLinkCommand(ID, "link-0001", token, password, LATER, 3, Actor.user(OWNER)))
                    .expectEvents(new PublicLinkCreatedEvent(ID, "link-0001", token, password, LATER, 3, OWNER));
        }

        @Test
        void rejectsANonPositiveDownloadLimit() {
            fixture.given(UPLOADED)
                    .when(new CreatePublicLinkCommand(ID, "link-0001", new TokenHash("c".repeat(64)), null, null, 0,
                            Actor.user(OWNER)))
                    .expectException(InvalidValueException.class);
        }
    }

    @Nested
    class Roles {

        @Test
        void editorWritesButViewerMayNot() {
            fixture.given(UPLOADED, EDITOR).when(newVersionBy(Actor.user(ED)))
                    .expectEvents(new FileVersionAddedEvent(ID, 2, BLOB_2, 2, TEXT, NAME, FileMetadata.EMPTY, null, ED));
            fixture.given(UPLOADED, VIEWER).when(newVersionBy(Actor.user(VI)))
                    .expectException(InsufficientPermissionException.class);
        }

        @Test
        void groupMembersGetTheGroupsRole() {
            fixture.given(UPLOADED, GROUP)
                    .when(newVersionBy(new Actor(new UserId("member"), Set.of("team"), false)))
                    .expectSuccessfulHandlerExecution();
        }

        @Test
        void editorMayNotDeleteButFileAdminMay() {
            fixture.given(UPLOADED, EDITOR).when(new DeleteFileCommand(ID, Actor.user(ED), null))
                    .expectException(InsufficientPermissionException.class);
            fixture.given(UPLOADED, ADMIN).when(new DeleteFileCommand(ID, Actor.user(AD), null))
                    .expectEvents(new FileDeletedEvent(ID, AD));
        }

        @Test
        void systemAdministratorMayDoEverything() {
            fixture.given(UPLOADED).when(new DeleteFileCommand(ID, new Actor(new UserId("root"), Set.of(), true), null))
                    .expectSuccessfulHandlerExecution();
        }

        @Test
        void revokedShareGivesNothing() {
            fixture.given(UPLOADED, EDITOR, new ShareRevokedEvent(ID, "share-ed-1", OWNER))
                    .when(newVersionBy(Actor.user(ED)))
                    .expectException(FileAccessDeniedException.class);
        }

        @Test
        void expiredShareGivesNothingFromItsExpiryInstant() {
            Instant now = Instant.now();
            FilePermissions permissions = new FilePermissions(OWNER, List.of(
                    new Grant("s1", new Grantee("user:ed"), Role.EDITOR, now)));

            assertThat(permissions.roleOf(Actor.user(ED), now.minusMillis(1))).contains(Role.EDITOR);
            assertThat(permissions.roleOf(Actor.user(ED), now)).isEmpty();
            assertThat(permissions.roleOf(Actor.user(OWNER), now)).contains(Role.ADMIN);
        }

        @Test
        void revokingAnUnknownShareFails() {
            fixture.given(UPLOADED).when(new RevokeShareCommand(ID, "nope-0001", Actor.user(OWNER)))
                    .expectException(UnknownShareException.class);
            fixture.given(UPLOADED, VIEWER).when(new RevokeShareCommand(ID, "share-vi-1", Actor.user(VI)))
                    .expectException(InsufficientPermissionException.class);
        }
    }
}
