package io.filestore.query.users.api;

import io.filestore.command.api.TokenHash;
import io.filestore.command.api.UserId;
import java.util.Optional;

/**
 * The request path's direct reads of the users view: one account by name, one API token by the SHA-256 of its
 * value. Every authenticated request starts with them, so they do not go through the query bus (its unit of work,
 * Spring transaction, two more round trips to PostgreSQL, cost several times the read itself). Each is one
 * statement, so it reads one committed state of the view.
 */
public interface UserReads {

    /** The account named {@code userId}, enabled or not. */
    Optional<UserView> findUser(UserId userId);

    /** The token record whose SHA-256 is {@code hash}, revoked or expired ones included. */
    Optional<ApiTokenView> findToken(TokenHash hash);
}
