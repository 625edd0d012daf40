package io.filestore.query;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** {@link StoreIdentity} read from the {@code store_identity} row (once: it never changes). */
@Component
class JdbcStoreIdentity implements StoreIdentity {

    private final JdbcClient jdbc;
    private volatile String id;

    JdbcStoreIdentity(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String id() {
        String known = id;
        if (known == null) {
            known = jdbc.sql("SELECT id::text FROM store_identity").query(String.class).single();
            id = known;
        }
        return known;
    }
}
