package io.filestore.blob;

/**
 * The outcome of one pass of {@link BlobStore#drain}.
 *
 * @param node           the node's name
 * @param blobs          blobs found on the node
 * @param replicasCopied replicas written to other nodes by this pass
 * @param remaining      blobs that still lack R intact replicas outside the node (0: it holds nothing needed)
 */
public record DrainResult(String node, long blobs, long replicasCopied, long remaining) {

    public boolean complete() {
        return remaining == 0;
    }
}
