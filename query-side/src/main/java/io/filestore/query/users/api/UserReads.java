package io.filestore.query.users.api;

import io.filestore.command.api.TokenHash;
import io.filestore.command.api.UserId;
import java.util.Optional;

/**
 * The request path's direct reads of the users view: the answers of {@link FindUserQuery}'s and
 * {@link FindTokenByHashQuery}'s query handlers, without the query bus. Every authenticated request starts with
 * them; through the bus, its unit of work, Spring transaction (two more round trips to PostgreSQL) and handler time
 * limit they cost several times the read itself. Each is one statement, so it reads one committed state of the view,
 * as through the bus.
 */
public interface UserReads {

    Optional<UserView> findUser(UserId userId);

    Optional<ApiTokenView> findToken(TokenHash hash);
}
