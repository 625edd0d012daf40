package io.filestore.api.share;

import io.filestore.command.api.FileId;
import java.time.Instant;

/**
 * The one place that computes the {@code url} of a public link's answers: the service's own {@code /s/...} paths,
 * or, when a CDN is configured ({@code filestore.cdn.base-url}), a signed delivery URL of the file's current
 * version that expires no later than the link (installed by {@code io.filestore.api.cdn.DeliveryUrls}). Links with
 * a download limit keep the service's paths: the edge could not count the downloads.
 */
public final class LinkUrls {

    /** Computes a delivery URL for a link, or null for the service's own path. */
    @FunctionalInterface
    public interface Delivery {
        String url(FileId fileId, int version, String shareId, Instant expiresAt, boolean limited);
    }

    private static volatile Delivery delivery;

    private LinkUrls() {
    }

    /** The {@code url} of a link: {@code fallback} ({@code /s/<token>...}) unless a CDN delivers it. */
    public static String of(String fallback, FileId fileId, int version, String shareId, Instant expiresAt,
                            Integer maxDownloads) {
        Delivery current = delivery;
        String url = current == null ? null : current.url(fileId, version, shareId, expiresAt, maxDownloads != null);
        return url != null ? url : fallback;
    }

    public static void install(Delivery computation) {
        delivery = computation;
    }
}
