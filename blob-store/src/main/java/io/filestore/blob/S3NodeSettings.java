package io.filestore.blob;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One storage node in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, SeaweedFS, s3proxy...). Replicas are objects
 * {@code <prefix>blobs/<sha256>}; corrupt ones are moved to {@code <prefix>quarantine/}; the administrator's state is
 * marker objects {@code <prefix>READ_ONLY} and {@code <prefix>DRAINING}.
 *
 * @param endpoint        the service URL ({@code http://minio:9000}); null for AWS S3's regional endpoint
 * @param region          the signing region ({@code us-east-1} for most S3-compatible servers)
 * @param bucket          the bucket; it must exist
 * @param prefix          a key prefix, empty or ending in {@code /}, so several stores can share a bucket
 * @param pathStyle       address the bucket as {@code endpoint/bucket} (MinIO, Ceph, s3proxy) rather than as
 *                        {@code bucket.endpoint}
 * @param accessKeyId     the access key; null (with {@code secretAccessKey} null) to use the AWS SDK's default
 *                        credentials provider chain (environment, system properties, profile, container, instance role)
 * @param secretAccessKey the secret key (never logged)
 * @param location        the node's location (zone) for placement
 * @param partSize        bytes per part of a multipart upload; a blob larger than this goes up in parts of this size,
 *                        each streamed from the staged file (5 MiB to 5 GiB, as S3 requires)
 * @param maxConnections  HTTP connections to the endpoint at most
 * @param timeout         connect and socket timeout of one HTTP request
 * @param maxAttempts     attempts per request (1 = no retry); retries use the SDK's backoff
 * @param stateCacheTime  how long the node's reachability and markers are trusted before they are checked again
 */
public record S3NodeSettings(URI endpoint, String region, String bucket, String prefix, boolean pathStyle,
                             String accessKeyId, String secretAccessKey, String location, long partSize,
                             int maxConnections, Duration timeout, int maxAttempts, Duration stateCacheTime) {

    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;

    /** With the defaults: 16 MiB parts, 32 connections, 10 s timeout, 3 attempts, state trusted for 2 s. */
    public S3NodeSettings(URI endpoint, String region, String bucket, String prefix, boolean pathStyle,
                          String accessKeyId, String secretAccessKey, String location) {
        this(endpoint, region, bucket, prefix, pathStyle, accessKeyId, secretAccessKey, location, DEFAULT_PART_SIZE,
                32, Duration.ofSeconds(10), 3, Duration.ofSeconds(2));
    }

    public S3NodeSettings {
        if (endpoint != null && (endpoint.getScheme() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
                || endpoint.getHost() == null)) {
            throw new IllegalArgumentException("an S3 endpoint is an http or https URL with a host, got " + endpoint);
        }
        if (region == null || !region.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("an S3 region is 1 to 64 lowercase letters, digits or '-', got '"
                    + region + "'");
        }
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("an S3 bucket name is 3 to 63 lowercase letters, digits, '.' or '-', got '"
                    + bucket + "'");
        }
        prefix = prefix == null ? "" : prefix;
        if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/") || prefix.length() > 512
                || !prefix.matches("[A-Za-z0-9!_.*'()/-]+"))) {
            throw new IllegalArgumentException("an S3 key prefix is empty or ends in '/' (letters, digits, "
                    + "!_.*'()-/, at most 512), got '" + prefix + "'");
        }
        if ((accessKeyId == null) != (secretAccessKey == null)
                || (accessKeyId != null && (accessKeyId.isBlank() || secretAccessKey.isBlank()))) {
            throw new IllegalArgumentException("give both an S3 access key id and a secret access key, or neither "
                    + "(then the default credentials provider chain is used)");
        }
        if (location == null || !location.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("a location is 1 to 64 letters, digits, '.', '_' or '-', got '"
                    + location + "'");
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("partSize must be between 5 MiB and 5 GiB, was " + partSize);
        }
        if (maxConnections < 1 || maxConnections > 1000) {
            throw new IllegalArgumentException("maxConnections must be between 1 and 1000, was " + maxConnections);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 10, was " + maxAttempts);
        }
        Objects.requireNonNull(stateCacheTime, "stateCacheTime");
        if (stateCacheTime.isNegative()) {
            throw new IllegalArgumentException("stateCacheTime must not be negative, was " + stateCacheTime);
        }
    }

    /** The node id used for placement. */
    String nodeId() {
        return "s3://" + (endpoint == null ? "aws-" + region : endpoint.getHost() + (endpoint.getPort() < 0 ? ""
                : ":" + endpoint.getPort())) + "/" + bucket + "/" + prefix;
    }

    @Override
    public String toString() {
        return "S3NodeSettings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix="
                + prefix + ", pathStyle=" + pathStyle + ", credentials="
                + (accessKeyId == null ? "default chain" : "access key " + accessKeyId) + ", location=" + location
                + ", partSize=" + partSize + "]";
    }
}
