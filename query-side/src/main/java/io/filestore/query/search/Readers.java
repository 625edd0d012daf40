package io.filestore.query.search;

import io.filestore.query.ViewValues;
import io.filestore.command.api.Actor;
import io.filestore.command.api.Grant;
import io.filestore.command.api.Grantee;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may find a file in search, the same principals ({@code user:<id>}, {@code group:<name>}) the metadata view
 * lets read it: the owner and every share in {@code readers}, except shares with an expiry, which go into the
 * nested {@code timedReaders} with their end so that a search stops finding the file at that instant. Every search
 * filters on the caller's principals; a share or revocation re-indexes the file. System administrators see all.
 */
final class Readers {

    private Readers() {
    }

    static List<String> of(FileState file) {
        List<String> readers = new ArrayList<>();
        readers.add(Grantee.user(file.owner()).value());
        for (Grant grant : file.grants().values()) {
            if (grant.expiresAt() == null && !readers.contains(grant.grantee().value())) {
                readers.add(grant.grantee().value());
            }
        }
        return readers;
    }

    static List<FileDocument.TimedReader> timed(FileState file) {
        List<FileDocument.TimedReader> timed = new ArrayList<>();
        for (Grant grant : file.grants().values()) {
            if (grant.expiresAt() != null) {
                timed.add(new FileDocument.TimedReader(grant.grantee().value(), ViewValues.instant(grant.expiresAt()).toString()));
            }
        }
        return timed;
    }

    /** The principals a caller acts as in a permission filter. */
    static List<String> principalsOf(Actor caller) {
        return List.copyOf(caller.grantees());
    }
}
