package io.filestore.api.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudFrontSignerTest {

    @TempDir
    Path dir;

    @Test
    void appendsACannedPolicySignatureThatThePublicKeyVerifies() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path pem = dir.resolve("cloudfront.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        CloudFrontSigner signer = CloudFrontSigner.load("K2JCJMDEHXQW5F", pem);

        DeliverySigner hmac = new DeliverySigner(DeliverySignerTest.K1, Map.of("k1", DeliverySignerTest.K1));
        Instant expires = Instant.parse("2030-01-01T00:00:00Z");
        String url = "https://d111111abcdef8.cloudfront.net" + hmac.sign(DeliverySignerTest.FILE, 2, "o", expires);
        String signed = signer.sign(url, expires);

        Matcher m = Pattern.compile(Pattern.quote(url) + "&Expires=1893456000&Signature=([A-Za-z0-9~_-]+)&Key-Pair-Id=K2JCJMDEHXQW5F")
                .matcher(signed);
        assertTrue(m.matches(), signed);
        byte[] signature = Base64.getDecoder().decode(m.group(1).replace('-', '+').replace('_', '=').replace('~', '/'));
        Signature rsa = Signature.getInstance("SHA1withRSA");
        rsa.initVerify(pair.getPublic());
        rsa.update(("{\"Statement\":[{\"Resource\":\"" + url
                + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":1893456000}}}]}").getBytes(StandardCharsets.UTF_8));
        assertTrue(rsa.verify(signature));

        // the origin still checks its own signature when CloudFront forwards its parameters along
        String pathAndQuery = signed.substring("https://d111111abcdef8.cloudfront.net".length());
        int q = pathAndQuery.indexOf('?');
        DeliverySigner.Check check = hmac.verify(pathAndQuery.substring(0, q), pathAndQuery.substring(q + 1),
                Instant.parse("2029-01-01T00:00:00Z"));
        assertNull(check.refusal());
        assertEquals(2, check.verified().version());
    }

    @Test
    void refusesAKeyThatIsNotPkcs8() throws Exception {
        Path pem = dir.resolve("rsa.pem");
        Files.writeString(pem, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CloudFrontSigner.load("K1", pem));
        assertTrue(e.getMessage().contains("openssl pkcs8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CdnProperties.CloudFront("K1", null));
    }
}
