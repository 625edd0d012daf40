package io.filestore.query.search;

import java.util.List;
import java.util.Map;

/**
 * The Elasticsearch document of a live file (its id is the file id). Besides what a reader sees it holds fields
 * computed here because the minimal Elasticsearch distribution has no analyzers for them: {@code nameText} (the
 * name with every character that is not a letter or digit replaced by a space, same length, so that
 * {@code annual_report.pdf} yields the words annual, report, pdf and highlight offsets map back onto the name),
 * {@code content} (name, description and tag words for cross-field matching), {@code folderAncestors} (the folder
 * and every folder above it, for recursive folder filters) and {@code readers} (who may find the file).
 */
record FileDocument(String fileId, String owner, List<String> readers, List<TimedReader> timedReaders, String name, String nameText,
                    String description, String content, List<String> tags, String folder,
                    List<String> folderAncestors, String mimeType, String mediaType, long size, String sha256,
                    int version, long sequence, String createdAt, String updatedAt, String contentUpdatedAt,
                    Map<String, String> attributes) {

    /** A principal who may find the file until {@code until} (an ISO instant): an expiring share. */
    record TimedReader(String principal, String until) {
    }
}
