package io.filestore.api.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

    static final String FILE = DeliverySignerTest.FILE;

    @TempDir
    Path dir;

    private static DeliverySigner.Check verify(DeliverySigner signer, String url) {
        int q = url.indexOf('?');
        return signer.verify(url.substring(0, q), url.substring(q + 1), Instant.now());
    }

    @Test
    void generatesAnOwnerOnlyKeyFileAndKeepsItAcrossRestarts() throws Exception {
        Path cdn = dir.resolve("cdn");
        SigningKeys first = SigningKeys.load(new CdnProperties.Signing(null, null), cdn);
        Path file = cdn.resolve(SigningKeys.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cdn)));
        assertTrue(first.rotatable());
        String url = first.signer().sign(FILE, 1, "o", Instant.now().plusSeconds(60));
        SigningKeys again = SigningKeys.load(new CdnProperties.Signing(null, null), cdn);
        assertNull(verify(again.signer(), url).refusal());
    }

    @Test
    void rotationSignsWithTheNewKeyAndStillVerifiesTheOld() throws Exception {
        SigningKeys keys = SigningKeys.load(new CdnProperties.Signing(null, null), dir);
        String old = keys.signer().sign(FILE, 1, "o", Instant.now().plusSeconds(60));
        assertEquals("k2", keys.rotate());
        String fresh = keys.signer().sign(FILE, 1, "o", Instant.now().plusSeconds(60));
        assertTrue(fresh.contains("kid=k2"));
        SigningKeys reloaded = SigningKeys.load(new CdnProperties.Signing(null, null), dir);
        assertEquals("k2", reloaded.signer().activeKeyId());
        assertNull(verify(reloaded.signer(), old).refusal());
        assertNull(verify(reloaded.signer(), fresh).refusal());
        assertFalse(Files.exists(dir.resolve(SigningKeys.FILE + ".tmp")));
        for (int i = 0; i < SigningKeys.MAX_GENERATED + 2; i++) {
            keys.rotate();
        }
        assertEquals(DeliverySigner.Refusal.UNKNOWN_KEY, verify(keys.signer(), old).refusal());
    }

    @Test
    void keysFromTheSettingsWinAndCannotBeRotatedHere() {
        String secret = Base64.getEncoder().encodeToString(new byte[32]);
        SigningKeys keys = SigningKeys.load(new CdnProperties.Signing(Map.of("a1", secret, "b2", secret), "b2"), dir);
        assertEquals("b2", keys.signer().activeKeyId());
        assertFalse(keys.rotatable());
        assertFalse(Files.exists(dir.resolve(SigningKeys.FILE)));
        assertThrows(IllegalStateException.class, keys::rotate);
        assertThrows(IllegalArgumentException.class, () -> new CdnProperties.Signing(Map.of("a1", secret, "b2", secret), null));
        assertThrows(IllegalArgumentException.class, () -> SigningKeys.load(
                new CdnProperties.Signing(Map.of("a1", Base64.getEncoder().encodeToString(new byte[16])), null), dir));
        assertFalse(new CdnProperties.Signing(Map.of("a1", secret), null).toString().contains(secret));
    }

    @Test
    void anotherInstancesRotationIsSeenWithinASecond() throws Exception {
        SigningKeys here = SigningKeys.load(new CdnProperties.Signing(null, null), dir);
        SigningKeys there = SigningKeys.load(new CdnProperties.Signing(null, null), dir); // the same data directory
        assertEquals("k2", there.rotate());
        String fresh = there.signer().sign(FILE, 1, "o", Instant.now().plusSeconds(60));
        Thread.sleep(1100);
        assertNull(verify(here.signer(), fresh).refusal());
        assertEquals("k2", here.signer().activeKeyId());
    }
}
