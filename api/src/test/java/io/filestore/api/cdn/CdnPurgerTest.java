package io.filestore.api.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server on a loopback port. */
class CdnPurgerTest {

    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile long delayMillis;

    private URI start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Surrogate-Key")
                    + " " + exchange.getRequestHeaders().getFirst("Fastly-Key"));
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status = failuresLeft.getAndDecrement() > 0 ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static CdnProperties.Purge settings(URI url, int attempts, Duration timeout) {
        return new CdnProperties.Purge(url, "PURGE", "Surrogate-Key", Map.of("Fastly-Key", "secret-token"),
                Duration.ofSeconds(1), timeout, attempts, Duration.ofMillis(10), Duration.ofMillis(40));
    }

    @Test
    void sendsTheKeysWithTheConfiguredMethodAndHeaders() throws Exception {
        CdnPurger purger = new CdnPurger(settings(start(), 3, Duration.ofSeconds(2)));
        purger.purge(List.of("f-1", "g-2"));
        assertEquals(List.of("PURGE f-1 g-2 secret-token"), received);
        assertEquals(1, purger.sent());
    }

    @Test
    void retriesFailuresWithBackoff() throws Exception {
        failuresLeft.set(2);
        CdnPurger purger = new CdnPurger(settings(start(), 3, Duration.ofSeconds(2)));
        purger.purge(List.of("f-1"));
        assertEquals(3, received.size());
        assertEquals(2, purger.failedAttempts());
        assertEquals(1, purger.sent());
    }

    @Test
    void givesUpAfterTheLastAttemptWithoutAnIoCause() throws Exception {
        failuresLeft.set(100);
        CdnPurger purger = new CdnPurger(settings(start(), 2, Duration.ofSeconds(2)));
        CdnPurger.PurgeFailedException e = assertThrows(CdnPurger.PurgeFailedException.class,
                () -> purger.purge(List.of("f-1")));
        assertTrue(e.getMessage().contains("status 503"), e.getMessage());
        assertEquals(null, e.getCause()); // an IOException cause would make the dead-letter policy retry forever
        assertEquals(2, received.size());
        assertTrue(!String.valueOf(purger.lastFailure()).contains("secret-token"));
    }

    @Test
    void aSlowEdgeTimesOut() throws Exception {
        delayMillis = 2000;
        CdnPurger purger = new CdnPurger(settings(start(), 1, Duration.ofMillis(200)));
        CdnPurger.PurgeFailedException e = assertThrows(CdnPurger.PurgeFailedException.class,
                () -> purger.purge(List.of("f-1")));
        assertTrue(e.getMessage().contains("Timeout"), e.getMessage());
    }
}
