package io.filestore.query.shares;

import io.filestore.query.shares.api.FindPublicLinkQuery;
import io.filestore.query.shares.api.ListFileSharesQuery;
import io.filestore.query.shares.api.ListOutgoingSharesQuery;
import io.filestore.query.shares.api.ShareView;
import java.util.List;
import java.util.Optional;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/** Answers share queries (the API checks the caller's right to see a file's shares first). */
@Component
public class SharesQueryHandler {

    private final SharesRepository repository;

    public SharesQueryHandler(SharesRepository repository) {
        this.repository = repository;
    }

    @QueryHandler
    public Optional<ShareView> handle(FindPublicLinkQuery query) {
        return repository.findLink(query.tokenHash());
    }

    @QueryHandler
    public List<ShareView> handle(ListFileSharesQuery query) {
        return repository.forFile(query.fileId());
    }

    @QueryHandler
    public List<ShareView> handle(ListOutgoingSharesQuery query) {
        return repository.createdBy(query.creator(), query.offset(), query.limit());
    }
}
