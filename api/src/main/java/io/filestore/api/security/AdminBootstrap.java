package io.filestore.api.security;

import io.filestore.command.api.CreateUserCommand;
import io.filestore.command.api.PasswordHash;
import io.filestore.command.api.UserId;
import io.filestore.query.users.api.CountUsersQuery;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * At first start (no user exists), creates the system administrator {@code filestore.security.admin-user} with
 * the configured password, or a generated one that is printed once on the console (standard output, not the log).
 */
@Component
public class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final io.filestore.api.write.Writes writes;
    private final QueryGateway queries;
    private final Accounts accounts;
    private final SecurityProperties properties;

    public AdminBootstrap(io.filestore.api.write.Writes writes, QueryGateway queries, Accounts accounts,
                          SecurityProperties properties) {
        this.writes = writes;
        this.queries = queries;
        this.accounts = accounts;
        this.properties = properties;
    }

    private volatile boolean done;

    /** Whether first-start work is finished (health answers 503 "starting" until then). */
    public boolean done() {
        return done;
    }

    @Override
    public void run(ApplicationArguments args) {
        try {
            bootstrap();
        } finally {
            done = true;
        }
    }

    private void bootstrap() {
        UserId admin = new UserId(properties.adminUser());
        if (queries.query(new CountUsersQuery(), Long.class).join() > 0 || accounts.user(admin).isPresent()) {
            return;
        }
        boolean generated = properties.adminPassword().isBlank();
        String password = generated ? Accounts.randomString(18) : properties.adminPassword();
        try {
            writes.send(new CreateUserCommand(admin, "Administrator",
                    new PasswordHash(accounts.encoder().encode(password)), true, admin));
        } catch (RuntimeException e) {
            log.info("administrator {} already exists ({})", admin, e.getClass().getSimpleName());
            return;
        }
        log.info("created the system administrator '{}'", admin);
        if (generated) {
            System.out.println("""

                    ================================================================
                     filestore: created the system administrator
                       user:     %s
                       password: %s
                     This password is shown only now. Change it with
                     POST /api/me/password, or set filestore.security.admin-password.
                    ================================================================
                    """.formatted(admin.value(), password));
        }
    }
}
