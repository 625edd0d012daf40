package io.filestore.api.cdn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Amazon CloudFront signed URLs with a canned policy, so that CloudFront itself refuses an expired or altered
 * delivery URL before it looks in its cache: the policy
 * {@code {"Statement":[{"Resource":"<url>","Condition":{"DateLessThan":{"AWS:EpochTime":<expires>}}}]}} is signed
 * with SHA1withRSA by the private key of a CloudFront key pair (public key registered in a trusted key group), and
 * {@code Expires}, {@code Signature} (base64 with {@code + = /} replaced by {@code - _ ~}) and {@code Key-Pair-Id}
 * are appended to the URL. The private key is a PKCS#8 PEM file ({@code openssl pkcs8 -topk8 -nocrypt} converts
 * the PKCS#1 key that {@code openssl genrsa} writes); it is read once and never logged.
 */
public final class CloudFrontSigner {

    private static final Pattern KEY_PAIR_ID = Pattern.compile("[A-Za-z0-9]{1,64}");

    private final String keyPairId;
    private final PrivateKey privateKey;

    public CloudFrontSigner(String keyPairId, PrivateKey privateKey) {
        if (keyPairId == null || !KEY_PAIR_ID.matcher(keyPairId).matches()) {
            throw new IllegalArgumentException("filestore.cdn.cloudfront.key-pair-id must be letters and digits");
        }
        this.keyPairId = keyPairId;
        this.privateKey = privateKey;
    }

    /** Reads a PKCS#8 PEM RSA private key. */
    public static CloudFrontSigner load(String keyPairId, Path privateKeyPem) {
        try {
            String pem = Files.readString(privateKeyPem, StandardCharsets.US_ASCII);
            if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
                throw new IllegalArgumentException(privateKeyPem + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY);"
                        + " convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
            }
            String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27,
                    pem.indexOf("-----END PRIVATE KEY-----")).replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            return new CloudFrontSigner(keyPairId, key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CloudFront private key " + privateKeyPem, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the CloudFront private key " + privateKeyPem
                    + " is not a valid RSA key: " + e.getMessage(), e);
        }
    }

    /** The canned policy of {@code url} until {@code expiresAt}. */
    static String cannedPolicy(String url, Instant expiresAt) {
        return "{\"Statement\":[{\"Resource\":\"" + url + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
                + expiresAt.getEpochSecond() + "}}}]}";
    }

    /** {@code url} with CloudFront's canned-policy parameters appended. */
    public String sign(String url, Instant expiresAt) {
        if (url.indexOf('"') >= 0 || url.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("a URL to sign must not contain quotes or backslashes");
        }
        try {
            Signature rsa = Signature.getInstance("SHA1withRSA");
            rsa.initSign(privateKey);
            rsa.update(cannedPolicy(url, expiresAt).getBytes(StandardCharsets.UTF_8));
            String signature = Base64.getEncoder().encodeToString(rsa.sign())
                    .replace('+', '-').replace('=', '_').replace('/', '~');
            return url + (url.indexOf('?') >= 0 ? "&" : "?") + "Expires=" + expiresAt.getEpochSecond()
                    + "&Signature=" + signature + "&Key-Pair-Id=" + keyPairId;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA1withRSA signing failed", e);
        }
    }
}
