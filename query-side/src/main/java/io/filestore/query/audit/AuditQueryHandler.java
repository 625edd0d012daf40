package io.filestore.query.audit;

import io.filestore.query.audit.api.AuditPage;
import io.filestore.query.audit.api.AuditQuery;
import io.filestore.query.audit.api.FileHistoryQuery;
import java.util.Optional;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/** Answers audit queries. A file's history is the owner's (or an administrator's) to read; others see nothing. */
@Component
public class AuditQueryHandler {

    private final AuditRepository repository;

    public AuditQueryHandler(AuditRepository repository) {
        this.repository = repository;
    }

    @QueryHandler
    public Optional<AuditPage> handle(FileHistoryQuery query) {
        return repository.file(query.fileId())
                .filter(file -> query.admin() || file.owner().equals(query.caller()))
                .map(file -> repository.history(query.fileId(), query.offset(), query.limit()));
    }

    @QueryHandler
    public AuditPage handle(AuditQuery query) {
        return repository.search(query);
    }
}
