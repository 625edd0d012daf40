package io.filestore.query.users;

import io.filestore.query.users.api.ApiTokenView;
import io.filestore.query.users.api.CountUsersQuery;
import io.filestore.query.users.api.FindTokenByHashQuery;
import io.filestore.query.users.api.FindUserQuery;
import io.filestore.query.users.api.ListTokensQuery;
import io.filestore.query.users.api.ListUsersQuery;
import io.filestore.query.users.api.UserView;
import java.util.List;
import java.util.Optional;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/** Answers user and token queries. */
@Component
public class UsersQueryHandler {

    private final UsersRepository repository;

    public UsersQueryHandler(UsersRepository repository) {
        this.repository = repository;
    }

    @QueryHandler
    public Optional<UserView> handle(FindUserQuery query) {
        return repository.findUser(query.userId());
    }

    @QueryHandler
    public Optional<ApiTokenView> handle(FindTokenByHashQuery query) {
        return repository.findToken(query.hash());
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
