package io.filestore.api.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliverySignerTest {

    static final String FILE = "0b8f3c52-7d1e-4a3b-9c11-2f0e5d6a7b8c";
    static final DeliverySigner.Key K1 = new DeliverySigner.Key("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final DeliverySigner.Key K2 = new DeliverySigner.Key("k2", "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static DeliverySigner.Check verify(DeliverySigner signer, String url, Instant now) {
        int q = url.indexOf('?');
        return signer.verify(url.substring(0, q), url.substring(q + 1), now);
    }

    @Test
    void acceptsItsOwnUrlUntilItExpires() {
        DeliverySigner signer = new DeliverySigner(K1, Map.of("k1", K1));
        Instant expires = NOW.plusSeconds(600);
        String url = signer.sign(FILE, 3, "s.AbC_d-1", expires);
        assertTrue(url.startsWith("/cdn/files/" + FILE + "/3?grant=s.AbC_d-1&expires=" + expires.getEpochSecond()
                + "&kid=k1&sig="), url);
        DeliverySigner.Check ok = verify(signer, url, NOW);
        assertNull(ok.refusal());
        assertEquals(new DeliverySigner.Verified(FILE, 3, "s.AbC_d-1", expires, "k1"), ok.verified());
        assertEquals(DeliverySigner.Refusal.EXPIRED, verify(signer, url, expires).refusal());
    }

    @Test
    void refusesEveryChangedPart() {
        DeliverySigner signer = new DeliverySigner(K1, Map.of("k1", K1));
        String url = signer.sign(FILE, 3, "o", NOW.plusSeconds(600));
        String otherFile = url.replace(FILE, "1b8f3c52-7d1e-4a3b-9c11-2f0e5d6a7b8c");
        assertEquals(DeliverySigner.Refusal.BAD_SIGNATURE, verify(signer, otherFile, NOW).refusal());
        assertEquals(DeliverySigner.Refusal.BAD_SIGNATURE, verify(signer, url.replace("/3?", "/2?"), NOW).refusal());
        assertEquals(DeliverySigner.Refusal.BAD_SIGNATURE, verify(signer, url.replace("grant=o", "grant=a"), NOW).refusal());
        String later = url.replace("expires=" + NOW.plusSeconds(600).getEpochSecond(),
                "expires=" + NOW.plusSeconds(6000).getEpochSecond());
        assertEquals(DeliverySigner.Refusal.BAD_SIGNATURE, verify(signer, later, NOW).refusal());
        String sig = url.substring(url.length() - 43);
        String flipped = url.substring(0, url.length() - 1) + (sig.endsWith("A") ? "B" : "A");
        assertEquals(DeliverySigner.Refusal.BAD_SIGNATURE, verify(signer, flipped, NOW).refusal());
        assertEquals(DeliverySigner.Refusal.UNKNOWN_KEY, verify(signer, url.replace("kid=k1", "kid=k9"), NOW).refusal());
        assertEquals(DeliverySigner.Refusal.MALFORMED, verify(signer, url + "&x=1", NOW).refusal());
        assertEquals(DeliverySigner.Refusal.MALFORMED, signer.verify("/cdn/files/" + FILE + "/3", null, NOW).refusal());
    }

    @Test
    void aRotationKeepsOlderUrlsValid() {
        DeliverySigner before = new DeliverySigner(K1, Map.of("k1", K1));
        String old = before.sign(FILE, 1, "o", NOW.plusSeconds(60));
        DeliverySigner after = new DeliverySigner(K2, Map.of("k1", K1, "k2", K2));
        String fresh = after.sign(FILE, 1, "o", NOW.plusSeconds(60));
        assertTrue(fresh.contains("kid=k2"));
        assertNull(verify(after, old, NOW).refusal());
        assertNull(verify(after, fresh, NOW).refusal());
        assertNotEquals(old.substring(old.length() - 43), fresh.substring(fresh.length() - 43));
        DeliverySigner withoutK1 = new DeliverySigner(K2, Map.of("k2", K2));
        assertEquals(DeliverySigner.Refusal.UNKNOWN_KEY, verify(withoutK1, old, NOW).refusal());
    }

    @Test
    void expiriesAreRoundedUpToTheWindowAndCappedByTheGrant() {
        Duration window = Duration.ofMinutes(5);
        Instant a = DeliverySigner.expiry(Instant.parse("2026-12-04T12:00:01Z"), Duration.ofHours(1), window, null);
        Instant b = DeliverySigner.expiry(Instant.parse("2026-12-04T12:04:59Z"), Duration.ofHours(1), window, null);
        assertEquals(Instant.parse("2026-12-04T13:05:00Z"), a);
        assertEquals(a, b);
        assertEquals(Instant.parse("2026-12-04T13:00:00Z"),
                DeliverySigner.expiry(NOW, Duration.ofHours(1), window, null));
        Instant cap = Instant.parse("2026-12-04T12:30:00.700Z");
        assertEquals(Instant.parse("2026-12-04T12:30:00Z"), DeliverySigner.expiry(NOW, Duration.ofHours(1), window, cap));
    }

    @Test
    void refusesWeakKeysAndBadGrants() {
        assertThrows(IllegalArgumentException.class, () -> new DeliverySigner.Key("k1", new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> new DeliverySigner.Key("K1", new byte[32]));
        DeliverySigner signer = new DeliverySigner(K1, Map.of("k1", K1));
        assertThrows(IllegalArgumentException.class, () -> signer.sign(FILE, 1, "s.a&b", NOW));
        assertTrue(!K1.toString().contains("0123"));
    }
}
