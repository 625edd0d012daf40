package io.filestore.query;

/**
 * A fingerprint of what one projection has built, so that a rebuild or a restore can show that the views it produced
 * are the ones expected (the same events give the same digest). Each projection with views contributes one bean.
 */
public interface ViewDigest {

    /** The processing group whose views are digested. */
    String processingGroup();

    /** The lowercase hex SHA-256 of the views' content, read in a stable order. */
    String digest();
}
