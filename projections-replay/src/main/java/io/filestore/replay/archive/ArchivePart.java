package io.filestore.replay.archive;

/** One file of a backup archive: its name, its size in bytes, the SHA-256 of those bytes and how many entries. */
public record ArchivePart(String name, long bytes, String sha256, long entries) {
}
