package io.filestore.api.share;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Public-link download counts in {@code public_link_usage}: one atomic statement both checks the limit and counts,
 * so concurrent downloads can never exceed it. Operational state, not a projection: a view rebuild keeps it.
 */
@Component
public class LinkUsage {

    private final JdbcClient jdbc;

    public LinkUsage(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Counts one access if the limit allows it; returns false when the limit is reached. */
    public boolean tryConsume(String shareId, Integer maxDownloads) {
        return jdbc.sql("""
                        INSERT INTO public_link_usage (share_id, access_count) VALUES (:id, 1)
                        ON CONFLICT (share_id) DO UPDATE SET access_count = public_link_usage.access_count + 1
                        WHERE :max IS NULL OR public_link_usage.access_count < :max
                        RETURNING access_count
                        """)
                .param("id", shareId).param("max", maxDownloads, java.sql.Types.INTEGER)
                .query(Integer.class).optional()
                .filter(count -> maxDownloads == null || count <= maxDownloads)
                .isPresent();
    }

    public int count(String shareId) {
        return jdbc.sql("SELECT access_count FROM public_link_usage WHERE share_id = :id").param("id", shareId)
                .query(Integer.class).optional().orElse(0);
    }
}
