package io.filestore.query.users;

import io.filestore.command.api.TokenHash;
import io.filestore.command.api.UserId;
import io.filestore.query.users.api.ApiTokenView;
import io.filestore.query.users.api.CountUsersQuery;
import io.filestore.query.users.api.ListTokensQuery;
import io.filestore.query.users.api.ListUsersQuery;
import io.filestore.query.users.api.UserReads;
import io.filestore.query.users.api.UserView;
import java.util.List;
import java.util.Optional;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/** Answers the user and token queries of the query bus, and the request path's direct reads ({@link UserReads}). */
@Component
public class UsersQueryHandler implements UserReads {

    private final UsersRepository repository;

    public UsersQueryHandler(UsersRepository repository) {
        this.repository = repository;
    }

    @Override
    public Optional<UserView> findUser(UserId userId) {
        return repository.findUser(userId);
    }

    @Override
    public Optional<ApiTokenView> findToken(TokenHash hash) {
        return repository.findToken(hash);
    }

    @QueryHandler
    public List<UserView> handle(ListUsersQuery query) {
        return repository.listUsers(query.offset(), query.limit());
    }

    @QueryHandler
    public List<ApiTokenView> handle(ListTokensQuery query) {
        return repository.listTokens(query.userId());
    }

    @QueryHandler
    public Long handle(CountUsersQuery query) {
        return repository.countUsers();
    }
}
