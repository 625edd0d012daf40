package io.filestore.blob;

import java.nio.file.Path;

/**
 * The state of one node directory.
 *
 * @param id          the node id used for placement (its absolute, normalized path)
 * @param path        the node directory
 * @param up          the node directory and its {@code blobs} directory exist and are writable
 * @param usableBytes usable (free) space of the node's file system (0 when down)
 * @param name        the administrators' name: {@code node-<position in the configuration, from 1>}
 * @param location    the configured location (zone)
 * @param state       {@code up}, {@code down}, {@code read-only} or {@code draining}
 * @param totalBytes  the size of the node's file system (0 when down)
 * @param errors      read and write errors and corrupt replicas seen on this node since the start
 */
public record NodeStatus(String id, Path path, boolean up, long usableBytes, String name, String location,
                         String state, long totalBytes, long errors) {

    /** The kind of node: a directory (object-store nodes are not implemented yet). */
    public String kind() {
        return "directory";
    }
}
