package io.filestore.command.api;

import java.util.UUID;

/** Identity of a file (the {@code FileEntry} aggregate): a canonical lowercase UUID string. */
public record FileId(String value) {

    public FileId {
        if (value == null) {
            throw new InvalidValueException("fileId", "is required");
        }
        try {
            UUID parsed = UUID.fromString(value);
            if (!parsed.toString().equals(value)) {
                throw new InvalidValueException("fileId", "must be a canonical lowercase UUID");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("fileId", "must be a UUID");
        }
    }

    public static FileId random() {
        return new FileId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
