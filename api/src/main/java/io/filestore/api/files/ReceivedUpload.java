package io.filestore.api.files;

import io.filestore.blob.PutResult;

/** File content stored in the blob store plus what the request said about it. */
record ReceivedUpload(PutResult blob, String suppliedName, String suppliedContentType, MetadataInput metadata) {
}
