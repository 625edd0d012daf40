package io.filestore.api.cdn;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code filestore.cdn.*}: cacheable delivery URLs, their signing keys and the edge's purge API.
 *
 * @param baseUrl        the CDN's origin-facing address (e.g. {@code https://cdn.example.com}); when set, the
 *                       {@code url} of every file answer, share answer and public link is a signed delivery URL on
 *                       it. Unset: {@code url} stays as it was, and explicitly issued delivery URLs point at
 *                       {@link #publicBaseUrl} or are relative
 * @param publicBaseUrl  where the service itself is reached, for delivery URLs issued without a CDN (unset:
 *                       relative URLs)
 * @param urlLifetime    validity of a delivery URL when the request names none (file answers, links)
 * @param maxUrlLifetime the longest validity a caller may ask for
 * @param expiryWindow   expiries are rounded up to a multiple of this, so that every request of a window gets the
 *                       same URL (and the edge a hit)
 * @param signing        signing keys
 * @param purge          the edge's purge API (off unless {@code url} is set)
 * @param cloudfront     CloudFront signed URLs (off unless both settings are given)
 */
@ConfigurationProperties("filestore.cdn")
public record CdnProperties(
        URI baseUrl,
        URI publicBaseUrl,
        @DefaultValue("1h") Duration urlLifetime,
        @DefaultValue("7d") Duration maxUrlLifetime,
        @DefaultValue("5m") Duration expiryWindow,
        @DefaultValue Signing signing,
        @DefaultValue Purge purge,
        @DefaultValue CloudFront cloudfront) {

    public CdnProperties {
        baseUrl = checkBase(baseUrl, "filestore.cdn.base-url");
        publicBaseUrl = checkBase(publicBaseUrl, "filestore.cdn.public-base-url");
        if (maxUrlLifetime.toSeconds() < 1 || maxUrlLifetime.compareTo(Duration.ofDays(366)) > 0) {
            throw new IllegalArgumentException("filestore.cdn.max-url-lifetime must be between 1s and 366d");
        }
        if (urlLifetime.toSeconds() < 1 || urlLifetime.compareTo(maxUrlLifetime) > 0) {
            throw new IllegalArgumentException("filestore.cdn.url-lifetime must be between 1s and max-url-lifetime");
        }
        if (expiryWindow.toSeconds() < 1 || expiryWindow.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("filestore.cdn.expiry-window must be between 1s and 1d");
        }
    }

    /** The base of issued delivery URLs: the CDN, else the service's public address, else none (relative). */
    public String deliveryBase() {
        URI base = baseUrl != null ? baseUrl : publicBaseUrl;
        if (base == null) {
            return "";
        }
        String text = base.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static URI checkBase(URI uri, String name) {
        if (uri == null || uri.toString().isBlank()) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getQuery() != null
                || uri.getFragment() != null || uri.getUserInfo() != null) {
            throw new IllegalArgumentException(name + " must be an http(s) URL without query, fragment or user: "
                    + uri);
        }
        return uri;
    }

    /**
     * {@code filestore.cdn.signing.*}: HMAC-SHA256 keys for delivery URLs. With {@code keys} set (id → secret of at
     * least 32 bytes, base64), those are used and {@code activeKey} (default: the only one) signs; old keys stay
     * listed to verify URLs issued before a rotation. Without, a key is generated into
     * {@code <data-dir>/cdn/signing-keys.properties} (owner-only permissions) and can be rotated by an administrator.
     */
    public record Signing(Map<String, String> keys, String activeKey) {

        public Signing {
            keys = keys == null ? Map.of() : Map.copyOf(keys);
            if (activeKey != null && activeKey.isBlank()) {
                activeKey = null;
            }
            if (!keys.isEmpty() && activeKey == null && keys.size() > 1) {
                throw new IllegalArgumentException(
                        "filestore.cdn.signing.active-key must name one of filestore.cdn.signing.keys");
            }
            if (activeKey != null && !keys.isEmpty() && !keys.containsKey(activeKey)) {
                throw new IllegalArgumentException("filestore.cdn.signing.active-key '" + activeKey
                        + "' is not among filestore.cdn.signing.keys");
            }
        }

        @Override
        public String toString() {
            return "Signing[keys=" + keys.keySet() + ", activeKey=" + activeKey + "]"; // never the secrets
        }
    }

    /**
     * {@code filestore.cdn.purge.*}: the edge's purge API, called by the {@code cdn-purge} event processor.
     *
     * @param url            where purges go (unset: no purges, no processor)
     * @param method         {@code PURGE} or {@code BAN} (or any token method the edge expects)
     * @param keyHeader      the header naming the surrogate keys, space-separated
     * @param headers        extra headers of every purge request (e.g. {@code Fastly-Key}); never logged
     * @param connectTimeout connect timeout of one purge request
     * @param requestTimeout timeout of one purge request, answer included
     * @param attempts       attempts of one purge before its event is parked in the dead-letter queue
     * @param initialBackoff pause after the first failed attempt, doubled after each further one
     * @param maxBackoff     the longest pause between attempts
     */
    public record Purge(URI url,
                        @DefaultValue("PURGE") String method,
                        @DefaultValue("Surrogate-Key") String keyHeader,
                        Map<String, String> headers,
                        @DefaultValue("2s") Duration connectTimeout,
                        @DefaultValue("5s") Duration requestTimeout,
                        @DefaultValue("4") int attempts,
                        @DefaultValue("200ms") Duration initialBackoff,
                        @DefaultValue("5s") Duration maxBackoff) {

        public Purge {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            if (url != null && url.toString().isBlank()) {
                url = null;
            }
            if (url != null && (url.getScheme() == null || url.getHost() == null
                    || !url.getScheme().toLowerCase(Locale.ROOT).matches("https?"))) {
                throw new IllegalArgumentException("filestore.cdn.purge.url must be an http(s) URL: " + url);
            }
            if (!method.matches("[A-Za-z]{1,20}")) {
                throw new IllegalArgumentException("filestore.cdn.purge.method must be an HTTP method token");
            }
            if (!keyHeader.matches("[A-Za-z0-9-]{1,64}")) {
                throw new IllegalArgumentException("filestore.cdn.purge.key-header must be a header name");
            }
            if (attempts < 1 || attempts > 10) {
                throw new IllegalArgumentException("filestore.cdn.purge.attempts must be between 1 and 10");
            }
            if (connectTimeout.toMillis() < 1 || connectTimeout.compareTo(Duration.ofMinutes(1)) > 0
                    || requestTimeout.toMillis() < 1 || requestTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("filestore.cdn.purge timeouts must be between 1ms and 1m");
            }
            if (initialBackoff.isNegative() || maxBackoff.compareTo(Duration.ofMinutes(1)) > 0
                    || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException(
                        "filestore.cdn.purge backoffs: 0 <= initial-backoff <= max-backoff <= 1m");
            }
        }

        public boolean enabled() {
            return url != null;
        }

        @Override
        public String toString() {
            return "Purge[url=" + url + ", method=" + method + ", headers=" + headers.keySet() + "]";
        }
    }

    /**
     * {@code filestore.cdn.cloudfront.*}: with both set (and {@code base-url}), delivery URLs also carry a CloudFront
     * canned-policy signature, so that CloudFront refuses expired URLs itself.
     *
     * @param keyPairId          the public key's id in CloudFront (e.g. {@code K2JCJMDEHXQW5F})
     * @param privateKeyLocation the matching RSA private key, PKCS#8 PEM
     */
    public record CloudFront(String keyPairId, java.nio.file.Path privateKeyLocation) {

        public CloudFront {
            if (keyPairId != null && keyPairId.isBlank()) {
                keyPairId = null;
            }
            if ((keyPairId == null) != (privateKeyLocation == null)) {
                throw new IllegalArgumentException(
                        "filestore.cdn.cloudfront.key-pair-id and .private-key-location go together");
            }
        }

        public boolean enabled() {
            return keyPairId != null;
        }
    }
}
