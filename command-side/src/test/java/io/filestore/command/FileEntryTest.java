package io.filestore.command;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.command.api.Actor;
import io.filestore.command.api.AddFileVersionCommand;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.DeleteFileCommand;
import io.filestore.command.api.ExpectedState;
import io.filestore.command.api.FileAccessDeniedException;
import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileDeletedException;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FileNotDeletedException;
import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileRestoredFromTrashEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.FileVersionRestoredEvent;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.MetadataPatch;
import io.filestore.command.api.PurgeFileCommand;
import io.filestore.command.api.RestoreFileFromTrashCommand;
import io.filestore.command.api.RestoreFileVersionCommand;
import io.filestore.command.api.UnknownFileException;
import io.filestore.command.api.UnknownVersionException;
import io.filestore.command.api.UpdateFileMetadataCommand;
import io.filestore.command.api.UploadFileCommand;
import io.filestore.command.api.UserId;
import io.filestore.command.api.VersionConflictException;
import java.util.List;
import java.util.Map;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FileEntryTest {

    private static final FileId ID = new FileId("6f1c0c2e-8d3b-4a55-9a57-3c4e2b1d0a11");
    private static final UserId ALICE = new UserId("alice");
    private static final UserId BOB = new UserId("bob");
    private static final BlobId BLOB_1 = new BlobId("a".repeat(64));
    private static final BlobId BLOB_2 = new BlobId("b".repeat(64));
    private static final BlobId BLOB_3 = new BlobId("c".repeat(64));
    private static final MediaType TEXT = new MediaType("text/plain");
    private static final FileName NAME = new FileName("notes.txt");
    private static final FileMetadata META = new FileMetadata("first", List.of("a"), "/docs", Map.of("k", "v"));
    private static final FileUploadedEvent UPLOADED =
            new FileUploadedEvent(ID, NAME, TEXT, 10, BLOB_1, META, ALICE);
    private static final FileVersionAddedEvent V2 =
            new FileVersionAddedEvent(ID, 2, BLOB_2, 20, TEXT, NAME, META, "second", ALICE);

    private FixtureConfiguration<FileEntry> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(FileEntry.class);
    }

    @Nested
    class Upload {

        @Test
        void createsFileAsVersionOne() {
            fixture.givenNoPriorActivity()
                    .when(new UploadFileCommand(ID, NAME, TEXT, 10, BLOB_1, META, ALICE))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(UPLOADED);
        }

        @Test
        void defaultsMissingMetadataToEmpty() {
            fixture.givenNoPriorActivity()
                    .when(new UploadFileCommand(ID, NAME, TEXT, 0, BLOB_1, null, ALICE))
                    .expectEvents(new FileUploadedEvent(ID, NAME, TEXT, 0, BLOB_1, FileMetadata.EMPTY, ALICE));
        }

        @Test
        void rejectsNegativeSize() {
            fixture.givenNoPriorActivity()
                    .when(new UploadFileCommand(ID, NAME, TEXT, -1, BLOB_1, META, ALICE))
                    .expectException(InvalidValueException.class)
                    .expectNoEvents();
        }

        @Test
        void rejectsMissingBlob() {
            fixture.givenNoPriorActivity()
                    .when(new UploadFileCommand(ID, NAME, TEXT, 1, null, META, ALICE))
                    .expectException(InvalidValueException.class);
        }
    }

    @Nested
    class AddVersion {

        @Test
        void addsVersionToExistingFile() {
            fixture.given(UPLOADED)
                    .when(new AddFileVersionCommand(ID, BLOB_2, 20, TEXT, null, null, "second", Actor.user(ALICE), null))
                    .expectEvents(V2);
        }

        @Test
        void renamesAndMergesMetadataWithTheNewVersion() {
            FileName renamed = new FileName("renamed.txt");
            FileMetadata merged = new FileMetadata("first", List.of("x", "y"), "/docs", Map.of("k", "v", "n", "1"));
            fixture.given(UPLOADED)
                    .when(new AddFileVersionCommand(ID, BLOB_2, 20, TEXT, renamed,
                            new MetadataPatch(null, List.of("x", "y"), null, Map.of("n", "1")), null, Actor.user(ALICE), null))
                    .expectEvents(new FileVersionAddedEvent(ID, 2, BLOB_2, 20, TEXT, renamed, merged, null, ALICE));
        }

        @Test
        void acceptsMatchingExpectedVersion() {
            fixture.given(UPLOADED, V2)
                    .when(new AddFileVersionCommand(ID, BLOB_3, 30, TEXT, null, null, null, Actor.user(ALICE),
                            new ExpectedState(2, null)))
                    .expectEvents(new FileVersionAddedEvent(ID, 3, BLOB_3, 30, TEXT, NAME, META, null, ALICE));
        }

        @Test
        void rejectsLostUpdateByVersion() {
            fixture.given(UPLOADED, V2)
                    .when(new AddFileVersionCommand(ID, BLOB_3, 30, TEXT, null, null, null, Actor.user(ALICE),
                            new ExpectedState(1, null)))
                    .expectException(VersionConflictException.class)
                    .expectNoEvents();
        }

        @Test
        void rejectsLostUpdateByContentHash() {
            fixture.given(UPLOADED, V2)
                    .when(new AddFileVersionCommand(ID, BLOB_3, 30, TEXT, null, null, null, Actor.user(ALICE),
                            new ExpectedState(null, BLOB_1)))
                    .expectException(VersionConflictException.class);
        }

        @Test
        void rejectsVersionFromAnotherUser() {
            fixture.given(UPLOADED)
                    .when(new AddFileVersionCommand(ID, BLOB_2, 20, TEXT, null, null, null, Actor.user(BOB), null))
                    .expectException(FileAccessDeniedException.class)
                    .expectNoEvents();
        }

        @Test
        void rejectsVersionOfDeletedFile() {
            fixture.given(UPLOADED, new FileDeletedEvent(ID, ALICE))
                    .when(new AddFileVersionCommand(ID, BLOB_2, 20, TEXT, null, null, null, Actor.user(ALICE), null))
                    .expectException(FileDeletedException.class);
        }

        @Test
        void rejectsOverlongChangeLog() {
            fixture.given(UPLOADED)
                    .when(new AddFileVersionCommand(ID, BLOB_2, 20, TEXT, null, null, "x".repeat(1025), Actor.user(ALICE), null))
                    .expectException(InvalidValueException.class);
        }
    }

    @Nested
    class RestoreVersion {

        @Test
        void rollsBackAsNewVersionPointingAtOldBlob() {
            fixture.given(UPLOADED, V2)
                    .when(new RestoreFileVersionCommand(ID, 1, null, Actor.user(ALICE), null))
                    .expectEvents(new FileVersionRestoredEvent(ID, 3, 1, BLOB_1, 10, TEXT, "Restored version 1", ALICE));
        }

        @Test
        void numbersVersionsAfterARollback() {
            fixture.given(UPLOADED, V2, new FileVersionRestoredEvent(ID, 3, 1, BLOB_1, 10, TEXT, null, ALICE))
                    .when(new AddFileVersionCommand(ID, BLOB_3, 30, TEXT, null, null, null, Actor.user(ALICE),
                            new ExpectedState(3, BLOB_1)))
                    .expectEvents(new FileVersionAddedEvent(ID, 4, BLOB_3, 30, TEXT, NAME, META, null, ALICE));
        }

        @Test
        void rejectsUnknownVersion() {
            fixture.given(UPLOADED)
                    .when(new RestoreFileVersionCommand(ID, 7, null, Actor.user(ALICE), null))
                    .expectException(UnknownVersionException.class);
        }

        @Test
        void rejectsRollbackByAnotherUser() {
            fixture.given(UPLOADED, V2)
                    .when(new RestoreFileVersionCommand(ID, 1, null, Actor.user(BOB), null))
                    .expectException(FileAccessDeniedException.class);
        }

        @Test
        void rejectsRollbackWithStalePrecondition() {
            fixture.given(UPLOADED, V2)
                    .when(new RestoreFileVersionCommand(ID, 1, null, Actor.user(ALICE), new ExpectedState(1, null)))
                    .expectException(VersionConflictException.class);
        }
    }

    @Nested
    class UpdateMetadata {

        @Test
        void mergesPatchIntoMetadata() {
            FileMetadata expected = new FileMetadata("new", List.of("a"), "/docs", Map.of("z", "1"));
            fixture.given(UPLOADED)
                    .when(new UpdateFileMetadataCommand(ID, null,
                            new MetadataPatch("new", null, null, mapWithNull("k", "z", "1")), Actor.user(ALICE), null))
                    .expectEvents(new FileMetadataUpdatedEvent(ID, NAME, expected, ALICE));
        }

        @Test
        void renamesFile() {
            FileName renamed = new FileName("ünïcödé 文件.txt");
            fixture.given(UPLOADED)
                    .when(new UpdateFileMetadataCommand(ID, renamed, null, Actor.user(ALICE), null))
                    .expectEvents(new FileMetadataUpdatedEvent(ID, renamed, META, ALICE));
        }

        @Test
        void appliesNoEventWhenNothingChanges() {
            fixture.given(UPLOADED)
                    .when(new UpdateFileMetadataCommand(ID, NAME, new MetadataPatch("first", null, "/docs", null), Actor.user(ALICE), null))
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }

        @Test
        void rejectsRenameOfDeletedFile() {
            fixture.given(UPLOADED, new FileDeletedEvent(ID, ALICE))
                    .when(new UpdateFileMetadataCommand(ID, new FileName("x"), null, Actor.user(ALICE), null))
                    .expectException(FileDeletedException.class);
        }

        @Test
        void rejectsEditByAnotherUser() {
            fixture.given(UPLOADED)
                    .when(new UpdateFileMetadataCommand(ID, new FileName("x"), null, Actor.user(BOB), null))
                    .expectException(FileAccessDeniedException.class);
        }

        @Test
        void acceptsTheCurrentRevision() {
            // UPLOADED is sequence 0, V2 sequence 1: the revision the views store and the ETag carries.
            fixture.given(UPLOADED, V2)
                    .when(new UpdateFileMetadataCommand(ID, new FileName("x"), null, Actor.user(ALICE),
                            ExpectedState.revision(1)))
                    .expectEvents(new FileMetadataUpdatedEvent(ID, new FileName("x"), META, ALICE));
        }

        @Test
        void rejectsAStaleRevisionEvenWhenContentIsUnchanged() {
            // A metadata edit moves the revision on but not the version: the second writer with the same tag loses.
            fixture.given(UPLOADED, new FileMetadataUpdatedEvent(ID, new FileName("y"), META, ALICE))
                    .when(new UpdateFileMetadataCommand(ID, new FileName("x"), null, Actor.user(ALICE),
                            ExpectedState.revision(0)))
                    .expectException(VersionConflictException.class)
                    .expectNoEvents();
        }

        @Test
        void acceptsAListWhenAnyAlternativeHolds() {
            ExpectedState list = new ExpectedState(List.of(new ExpectedState.Alternative(null, null, 7L),
                    new ExpectedState.Alternative(1, null, null)));
            fixture.given(UPLOADED)
                    .when(new UpdateFileMetadataCommand(ID, new FileName("x"), null, Actor.user(ALICE), list))
                    .expectEvents(new FileMetadataUpdatedEvent(ID, new FileName("x"), META, ALICE));
        }

        @Test
        void rejectsATagThatNamesNothing() {
            fixture.given(UPLOADED)
                    .when(new UpdateFileMetadataCommand(ID, new FileName("x"), null, Actor.user(ALICE),
                            ExpectedState.NONE))
                    .expectException(VersionConflictException.class)
                    .expectNoEvents();
        }

        private Map<String, String> mapWithNull(String removed, String key, String value) {
            Map<String, String> map = new java.util.HashMap<>();
            map.put(removed, null);
            map.put(key, value);
            return map;
        }
    }

    @Nested
    class DeleteRestorePurge {

        @Test
        void movesFileToTrash() {
            fixture.given(UPLOADED)
                    .when(new DeleteFileCommand(ID, Actor.user(ALICE), null))
                    .expectEvents(new FileDeletedEvent(ID, ALICE));
        }

        @Test
        void rejectsDeleteOfDeletedFile() {
            fixture.given(UPLOADED, new FileDeletedEvent(ID, ALICE))
                    .when(new DeleteFileCommand(ID, Actor.user(ALICE), null))
                    .expectException(FileDeletedException.class);
        }

        @Test
        void rejectsDeleteByAnotherUser() {
            fixture.given(UPLOADED)
                    .when(new DeleteFileCommand(ID, Actor.user(BOB), null))
                    .expectException(FileAccessDeniedException.class);
        }

        @Test
        void restoresFileFromTrash() {
            fixture.given(UPLOADED, new FileDeletedEvent(ID, ALICE))
                    .when(new RestoreFileFromTrashCommand(ID, Actor.user(ALICE)))
                    .expectEvents(new FileRestoredFromTrashEvent(ID, ALICE));
        }

        @Test
        void rejectsRestoreOfLiveFile() {
            fixture.given(UPLOADED)
                    .when(new RestoreFileFromTrashCommand(ID, Actor.user(ALICE)))
                    .expectException(FileNotDeletedException.class);
        }

        @Test
        void purgesTrashedFileAfterRetention() {
            fixture.given(UPLOADED, new FileDeletedEvent(ID, ALICE))
                    .when(new PurgeFileCommand(ID, Actor.user(new UserId("system")), true))
                    .expectEvents(new FilePurgedEvent(ID, new UserId("system"), true));
        }

        @Test
        void ownerMayPurgeTrashedFile() {
            fixture.given(UPLOADED, new FileDeletedEvent(ID, ALICE))
                    .when(new PurgeFileCommand(ID, Actor.user(ALICE), false))
                    .expectEvents(new FilePurgedEvent(ID, ALICE, false));
        }

        @Test
        void rejectsPurgeOfLiveFile() {
            fixture.given(UPLOADED)
                    .when(new PurgeFileCommand(ID, Actor.user(ALICE), false))
                    .expectException(FileNotDeletedException.class);
        }

        @Test
        void rejectsPurgeByAnotherUser() {
            fixture.given(UPLOADED, new FileDeletedEvent(ID, ALICE))
                    .when(new PurgeFileCommand(ID, Actor.user(BOB), false))
                    .expectException(FileAccessDeniedException.class);
        }

        @Test
        void purgedFileIsUnknownToEveryCommand() {
            fixture.given(UPLOADED, new FileDeletedEvent(ID, ALICE), new FilePurgedEvent(ID, ALICE, false))
                    .when(new RestoreFileFromTrashCommand(ID, Actor.user(ALICE)))
                    .expectException(UnknownFileException.class);
        }
    }

    @Nested
    class ValueObjects {

        @Test
        void rejectsPathTraversalNames() {
            assertThatThrownBy(() -> new FileName("../etc/passwd")).isInstanceOf(InvalidValueException.class);
            assertThatThrownBy(() -> new FileName("..")).isInstanceOf(InvalidValueException.class);
            assertThatThrownBy(() -> new FileName("a\\b")).isInstanceOf(InvalidValueException.class);
            assertThatThrownBy(() -> new FileName("a\u0000b")).isInstanceOf(InvalidValueException.class);
            assertThatThrownBy(() -> new FileName("é".repeat(128))).isInstanceOf(InvalidValueException.class);
        }

        @Test
        void normalizesNamesToNfc() {
            org.assertj.core.api.Assertions.assertThat(new FileName("e\u0301.txt")).isEqualTo(new FileName("\u00e9.txt"));
        }

        @Test
        void normalizesFolders() {
            org.assertj.core.api.Assertions.assertThat(new FileMetadata(null, null, "a//b/", null).folder()).isEqualTo("/a/b");
            assertThatThrownBy(() -> new FileMetadata(null, null, "/a/../b", null)).isInstanceOf(InvalidValueException.class);
        }

        @Test
        void rejectsMalformedIds() {
            assertThatThrownBy(() -> new FileId("not-a-uuid")).isInstanceOf(InvalidValueException.class);
            assertThatThrownBy(() -> new BlobId("ABC")).isInstanceOf(InvalidValueException.class);
            assertThatThrownBy(() -> new UserId("a b")).isInstanceOf(InvalidValueException.class);
            assertThatThrownBy(() -> new MediaType("not a type")).isInstanceOf(InvalidValueException.class);
        }
    }
}
