package io.filestore.blob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What tells one version of a file from the next when files are replaced atomically (written aside, renamed over):
 * its modification time, size and file key (the inode, which a rename over the file changes). Instances that share
 * a data directory compare stamps to notice that another instance replaced a key file (the master keyset, the CDN
 * signing keys) and read it again, at the cost of one stat call.
 */
public final class FileStamp {

    private FileStamp() {
    }

    /** The stamp of {@code file} now, or null when there is no file (or it cannot be read). */
    public static String of(Path file) {
        if (file == null) {
            return null;
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.lastModifiedTime().toMillis() + "/" + attributes.size() + "/" + attributes.fileKey();
        } catch (IOException e) {
            return null;
        }
    }
}
