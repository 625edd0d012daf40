package io.filestore.query.shares;

import io.filestore.command.api.FileId;
import io.filestore.command.api.PublicLinkCreatedEvent;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The shares projection and view for tests of other packages (their handlers are package-private). */
public final class SharesProjectionAccess {

    private final SharesRepository repository;
    private final SharesProjection projection;

    public SharesProjectionAccess(JdbcClient jdbc) {
        this.repository = new SharesRepository(jdbc);
        this.projection = new SharesProjection(repository);
    }

    public void on(PublicLinkCreatedEvent event, Instant at) {
        projection.on(event, at);
    }

    /** The expiry of the file's only share. */
    public Instant expiryOf(FileId fileId) {
        return repository.forFile(fileId).get(0).expiresAt();
    }
}
