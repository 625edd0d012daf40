package io.filestore.blob;

import java.nio.file.Path;

/**
 * The state of one node.
 *
 * @param id          the node id used for placement (a directory's absolute, normalized path;
 *                    {@code s3://<endpoint>/<bucket>/<prefix>} for a bucket)
 * @param path        the node directory; null for an S3 node
 * @param up          a directory node's directory and its {@code blobs} directory exist and are writable; an S3
 *                    node's bucket answered its last check
 * @param usableBytes usable (free) space of the node's file system (0 when down; {@link Long#MAX_VALUE} for an S3
 *                    node, which has no known limit)
 * @param name        the administrators' name: {@code node-<position in the configuration, from 1>}
 * @param location    the configured location (zone)
 * @param state       {@code up}, {@code down}, {@code read-only} or {@code draining}
 * @param totalBytes  the size of the node's file system (0 when down or unknown, as for an S3 node)
 * @param errors      read and write errors and corrupt replicas seen on this node since the start
 * @param kind        {@code directory} or {@code s3}
 * @param endpoint    an S3 node's endpoint ({@code null} for a directory, or for AWS S3's regional default)
 * @param bucket      an S3 node's bucket and key prefix ({@code bucket} or {@code bucket/prefix}); null for a directory
 */
public record NodeStatus(String id, Path path, boolean up, long usableBytes, String name, String location,
                         String state, long totalBytes, long errors, String kind, String endpoint, String bucket) {
}
