package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Counts one download of a public link with a download limit, if the limit allows it (otherwise
 * {@link LinkDownloadLimitReachedException}). The counter of each link is its own aggregate, so concurrent downloads
 * are counted one after the other and never exceed the limit. Answers the link's count after this download.
 */
public record CountLinkDownloadCommand(@TargetAggregateIdentifier String counterId, String shareId, FileId fileId,
                                       int maxDownloads) {

    /** The command for a link: its counter's aggregate id is {@code link:<shareId>} (distinct from every file id). */
    public static CountLinkDownloadCommand of(String shareId, FileId fileId, int maxDownloads) {
        return new CountLinkDownloadCommand(counterId(shareId), shareId, fileId, maxDownloads);
    }

    public static String counterId(String shareId) {
        return "link:" + shareId;
    }
}
