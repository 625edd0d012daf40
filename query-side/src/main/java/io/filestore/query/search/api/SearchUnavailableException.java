package io.filestore.query.search.api;

/** Elasticsearch cannot be reached or answers with a server error: searching is unavailable for now (503). */
public class SearchUnavailableException extends RuntimeException {

    public SearchUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
