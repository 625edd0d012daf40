package io.filestore.api.cdn;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one purge to the edge: {@code <method> <purge url>} with the surrogate keys, space-separated, in the key
 * header (Varnish with the repository's VCL, Fastly's {@code POST /service/<id>/purge} with {@code Surrogate-Key},
 * or any API that takes keys that way) plus the configured extra headers (an API token: never logged). A 2xx answer
 * is success. A failure (connection, timeout, any other status) is retried up to {@code attempts} times in all, with
 * a pause that starts at {@code initial-backoff} and doubles up to {@code max-backoff}; then {@link PurgeFailedException}
 * is thrown, which parks the event in the processor's dead-letter queue. Timeouts bound every attempt.
 */
public class CdnPurger {

    private static final Logger log = LoggerFactory.getLogger(CdnPurger.class);

    /** The last attempt failed: the purge is parked (deliberately without the I/O cause, which would only be retried). */
    public static final class PurgeFailedException extends RuntimeException {
        PurgeFailedException(String message) {
            super(message);
        }
    }

    private final CdnProperties.Purge settings;
    private final HttpClient client;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile String lastFailure;

    public CdnPurger(CdnProperties.Purge settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public void purge(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        String joined = String.join(" ", keys);
        Duration pause = settings.initialBackoff();
        String failure = null;
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            failure = attemptOnce(joined);
            if (failure == null) {
                sent.incrementAndGet();
                log.debug("Purged {}", joined);
                return;
            }
            failedAttempts.incrementAndGet();
            lastFailure = Instant.now() + " " + failure;
            log.warn("Purge of {} failed (attempt {} of {}): {}", joined, attempt, settings.attempts(), failure);
            if (attempt < settings.attempts()) {
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff()
                        : pause.multipliedBy(2);
            }
        }
        throw new PurgeFailedException("purge of " + joined + " failed " + settings.attempts() + " times: " + failure);
    }

    /** Null on success, else what went wrong. */
    private String attemptOnce(String keys) {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.requestTimeout())
                .method(settings.method().toUpperCase(Locale.ROOT), HttpRequest.BodyPublishers.noBody())
                .header(settings.keyHeader(), keys);
        settings.headers().forEach(request::header);
        try {
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? null : "status " + response.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PurgeFailedException("interrupted while purging " + keys);
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PurgeFailedException("interrupted while waiting to retry a purge");
        }
    }

    public long sent() {
        return sent.get();
    }

    public long failedAttempts() {
        return failedAttempts.get();
    }

    public String lastFailure() {
        return lastFailure;
    }
}
