package io.filestore.blob;

/** Validation of blob ids: exactly 64 lowercase hex characters, so an id can never form a path of its own. */
final class BlobIds {

    static final int LENGTH = 64;

    private BlobIds() {
    }

    static boolean isValid(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            if (!isLowerHex(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static String require(String id) {
        if (!isValid(id)) {
            throw new BlobStoreException(BlobStoreException.Reason.INVALID_ID,
                    "a blob id is 64 lowercase hex characters, got " + describe(id));
        }
        return id;
    }

    static boolean isLowerHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    private static String describe(String id) {
        if (id == null) {
            return "null";
        }
        String shown = id.length() > 80 ? id.substring(0, 80) + "…" : id;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "' (" + id.length() + " chars)";
    }
}
