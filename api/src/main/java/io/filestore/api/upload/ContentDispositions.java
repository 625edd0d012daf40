package io.filestore.api.upload;

/** Reads the file name of a {@code Content-Disposition} request header ({@code filename*} preferred). */
public final class ContentDispositions {

    private ContentDispositions() {
    }

    public static String filename(String disposition) {
        return HeaderParams.filename(disposition);
    }
}
