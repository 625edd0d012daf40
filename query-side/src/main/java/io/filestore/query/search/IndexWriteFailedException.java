package io.filestore.query.search;

import io.filestore.query.search.api.SearchUnavailableException;

/**
 * A batch of the search projection could not be written. It carries its cause in its message and no stack trace:
 * the processor logs it on every retry, so each failed attempt is one line; {@link IndexBatch} logs the full stack
 * of the first failure of a streak once.
 */
final class IndexWriteFailedException extends SearchUnavailableException {

    IndexWriteFailedException(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
