package io.filestore.query.shares;

import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.PublicLinkCreatedEvent;
import io.filestore.command.api.PublicLinkDownloadCountedEvent;
import io.filestore.command.api.ShareRevokedEvent;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.stereotype.Component;

/** Builds the shares view: shares with users and groups, and public links. */
@Component
@ProcessingGroup(SharesProjection.PROCESSING_GROUP)
public class SharesProjection {

    public static final String PROCESSING_GROUP = "shares";

    private final SharesRepository repository;

    public SharesProjection(SharesRepository repository) {
        this.repository = repository;
    }

    @EventHandler
    void on(FileSharedEvent event, @Timestamp Instant at) {
        repository.insert(event.shareId(), event.fileId(), false, event.grantee(), event.role(), null, null,
                event.expiresAt(), null, at, event.by());
    }

    @EventHandler
    void on(PublicLinkCreatedEvent event, @Timestamp Instant at) {
        repository.insert(event.shareId(), event.fileId(), true, null, null, event.tokenHash(), event.passwordHash(),
                event.expiresAt(), event.maxDownloads(), at, event.by());
    }

    @EventHandler
    void on(PublicLinkDownloadCountedEvent event) {
        repository.countDownload(event.shareId(), event.count());
    }

    @EventHandler
    void on(ShareRevokedEvent event) {
        repository.delete(event.shareId());
    }

    @EventHandler
    void on(FilePurgedEvent event) {
        repository.deleteFile(event.fileId());
    }

    @ResetHandler
    void reset() {
        repository.deleteAll();
    }
}
