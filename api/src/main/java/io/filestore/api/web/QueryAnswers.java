package io.filestore.api.web;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for an answer of the query bus, with the handler's own exception rethrown (the error mapping needs it). */
public final class QueryAnswers {

    private QueryAnswers() {
    }

    public static <T> T join(CompletableFuture<T> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }
}
