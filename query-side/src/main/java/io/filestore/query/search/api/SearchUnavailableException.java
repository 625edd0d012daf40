package io.filestore.query.search.api;

/** Elasticsearch cannot be reached or answers with a server error: searching is unavailable for now (503). */
public class SearchUnavailableException extends io.filestore.command.api.UnavailableException {

    public SearchUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int retryAfterSeconds() {
        return 10;
    }

    @Override
    public String publicDetail() {
        return "search is temporarily unavailable; uploads and downloads still work";
    }
}
