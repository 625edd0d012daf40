package io.filestore.api.files;

import io.filestore.api.admission.UploadAdmissionFilter;
import io.filestore.api.web.BadRequestException;
import io.filestore.blob.PutResult;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UploadFileCommand;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.FileView;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Creates a file from content already in the blob store: the one place that turns an upload (a one-piece POST or a
 * finished resumable upload) into an {@link UploadFileCommand} and waits until the uploader can read the file.
 */
@Component
public class FileCreator {

    private final io.filestore.api.write.Writes writes;
    private final FileQueries queries;

    public FileCreator(io.filestore.api.write.Writes writes, FileQueries queries) {
        this.writes = writes;
        this.queries = queries;
    }

    /** What a new file will be, validated before any content is read. */
    public record NewFile(FileName name, String declaredType, FileMetadata metadata) {

        MediaType mediaType() {
            return FileController.mediaTypeFor(declaredType, name);
        }
    }

    /**
     * Validates the name, media type and metadata of a file to be created.
     *
     * @throws BadRequestException or {@link io.filestore.command.api.InvalidValueException} (400) when invalid
     */
    public NewFile describe(String name, String declaredType, MetadataInput input) {
        MetadataInput metadata = input == null ? MetadataInput.NONE : input;
        if (name == null || name.isBlank()) {
            throw new BadRequestException("name", "a file name is required: multipart filename, metadata.name, "
                    + "?name=, X-File-Name, Content-Disposition or the tus Upload-Metadata key 'filename'");
        }
        NewFile file = new NewFile(new FileName(name), declaredType, FileMetadata.EMPTY.merge(metadata.patch()));
        file.mediaType();
        return file;
    }

    /** Sends the upload command for {@code fileId} and waits (bounded) until the owner's read shows the file. */
    public FileView create(FileId fileId, NewFile file, PutResult blob, UserId owner) {
        UploadAdmissionFilter.releaseEarly();
        writes.send(new UploadFileCommand(fileId, file.name(), file.mediaType(), blob.size(),
                new BlobId(blob.sha256()), file.metadata(), owner));
        return queries.live(fileId, io.filestore.command.api.Actor.user(owner));
    }

    /** The file if it was already created (a retried completion after a crash must not create it twice). */
    public Optional<FileView> existing(FileId fileId, UserId owner) {
        return queries.findLive(fileId, io.filestore.command.api.Actor.user(owner));
    }

    /** The API's JSON shape of a file. */
    public static FileResponse response(FileView view) {
        return FileResponse.of(view);
    }
}
