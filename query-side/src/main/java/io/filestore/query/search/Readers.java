package io.filestore.query.search;

import io.filestore.command.api.UserId;
import java.util.List;

/**
 * Who may find a file in search: the principals stored in the document's {@code readers} field, which every search
 * filters on with one {@code terms} query of the caller's principals. Today only the owner reads a file; sharing
 * (users and groups) extends this one method, and the next event of the file re-indexes its readers.
 */
final class Readers {

    private Readers() {
    }

    static List<String> of(FileState file) {
        return List.of(file.owner().value());
    }

    /** The principals a caller acts as in a permission filter: today the user id alone. */
    static List<String> principalsOf(UserId caller) {
        return List.of(caller.value());
    }
}
