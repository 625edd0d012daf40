package io.filestore.blob;

import java.nio.file.Path;

/**
 * The state of one node directory.
 *
 * @param id          the node id used for placement (its absolute, normalized path)
 * @param path        the node directory
 * @param up          the node directory and its {@code blobs} directory exist and are writable
 * @param usableBytes usable space of the node's file system (0 when down)
 */
public record NodeStatus(String id, Path path, boolean up, long usableBytes) {
}
