package io.filestore.api.files;

import io.filestore.command.api.FileId;
import io.filestore.command.api.FilePermissions;

/**
 * The one place that computes the {@code url} of a file answer: {@code /api/files/<id>/download}, or, when a CDN is
 * configured ({@code filestore.cdn.base-url}), a signed delivery URL of the file's current version on the CDN for
 * the current caller (installed by {@code io.filestore.api.cdn.DeliveryUrls}).
 */
public final class FileUrls {

    /** Computes a delivery URL for the current request's caller, or null for the plain download URL. */
    @FunctionalInterface
    public interface Delivery {
        String url(FileId fileId, int version, FilePermissions permissions);
    }

    private static volatile Delivery delivery;

    private FileUrls() {
    }

    public static String of(FileId fileId, int version, FilePermissions permissions) {
        Delivery current = delivery;
        String url = current == null ? null : current.url(fileId, version, permissions);
        return url != null ? url : "/api/files/" + fileId.value() + "/download";
    }

    /** Installs (or, with null, removes) the delivery URL computation. */
    public static void install(Delivery computation) {
        delivery = computation;
    }
}
