package io.filestore.api.cdn;

import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.ShareRevokedEvent;
import java.util.List;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;

/**
 * Purges the edge when content must stop being delivered, driven by the events (so purges survive restarts: the
 * processor's token only moves past an event once its purge went out or was parked): a file trashed or purged
 * (every version of it: {@code f-<fileId>}), a share or public link revoked ({@code g-<shareId>}: what was delivered
 * under it). Versions become unreachable only with their file, so no event of their own. Share and link expiries
 * need no purge: no delivery URL outlives the grant it was issued under, and the edge keeps content no longer than
 * its URL is valid. A tracking processor of its own ({@value #GROUP}), starting at the head of the stream when first
 * run; a replay (restore, rebuild) sends nothing. A purge that keeps failing is parked in the group's dead-letter
 * queue ({@code /api/admin/dead-letters}), its file's later purges wait behind it.
 */
@ProcessingGroup(CdnPurgeProcessor.GROUP)
public class CdnPurgeProcessor {

    public static final String GROUP = "cdn-purge";

    private final CdnPurger purger;

    public CdnPurgeProcessor(CdnPurger purger) {
        this.purger = purger;
    }

    @EventHandler
    @DisallowReplay
    public void on(FileDeletedEvent event) {
        purger.purge(List.of(SurrogateKeys.file(event.fileId().value())));
    }

    @EventHandler
    @DisallowReplay
    public void on(FilePurgedEvent event) {
        purger.purge(List.of(SurrogateKeys.file(event.fileId().value())));
    }

    @EventHandler
    @DisallowReplay
    public void on(ShareRevokedEvent event) {
        purger.purge(List.of(SurrogateKeys.share(event.shareId())));
    }
}
