package io.filestore.query.users;

import io.filestore.command.api.TokenHash;
import io.filestore.command.api.UserId;
import io.filestore.query.users.api.ApiTokenView;
import io.filestore.query.users.api.CountUsersQuery;
import io.filestore.query.users.api.FindTokenByHashQuery;
import io.filestore.query.users.api.FindUserQuery;
import io.filestore.query.users.api.ListTokensQuery;
import io.filestore.query.users.api.ListUsersQuery;
import io.filestore.query.users.api.UserReads;
import io.filestore.query.users.api.UserView;
import java.util.List;
import java.util.Optional;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/** Answers user and token queries: through the query bus, and directly on the request path ({@link UserReads}). */
@Component
public class UsersQueryHandler implements UserReads {

    private final UsersRepository repository;

    public UsersQueryHandler(UsersRepository repository) {
        this.repository = repository;
    }

    @QueryHandler
    public Optional<UserView> handle(FindUserQuery query) {
        return findUser(query.userId());
    }

    @QueryHandler
    public Optional<ApiTokenView> handle(FindTokenByHashQuery query) {
        return findToken(query.hash());
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
