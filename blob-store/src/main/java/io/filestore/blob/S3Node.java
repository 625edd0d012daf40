package io.filestore.blob;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A storage node in an S3-compatible bucket (see {@link S3NodeSettings} for the keys it uses).
 *
 * <p>Writes come from a staged local file whose hash is known: a blob up to the part size is one PUT, a larger one a
 * multipart upload whose parts are streamed from the file one after the other (each part is read from disk as it is
 * sent, so memory does not grow with the part or blob size; an upload that fails is aborted). The stored object's size
 * is checked after the upload; its content is verified like every replica's when it is read, healed or scrubbed.
 * Reads of ranges are ranged GETs. Objects are immutable, so a replica is complete or absent, never partial.
 *
 * <p>Reachability and the state markers are checked with one listing request at most every
 * {@link S3NodeSettings#stateCacheTime()}; a request that fails to reach the server marks the node down at once.
 */
final class S3Node extends Node {

    private static final Logger log = LoggerFactory.getLogger(S3Node.class);

    private record State(boolean up, boolean readOnly, boolean draining, long checkedAtNanos) {
    }

    /** S3 allows at most this many parts in a multipart upload. */
    static final long MAX_PARTS = 10_000;

    private final S3NodeSettings settings;
    private final S3Client s3;
    private final String blobPrefix;
    private final String quarantinePrefix;
    private volatile State state = new State(false, false, false, System.nanoTime() - Long.MAX_VALUE / 2);

    S3Node(S3NodeSettings settings, String name) {
        super(settings.nodeId(), name, settings.location());
        this.settings = settings;
        this.blobPrefix = settings.prefix() + "blobs/";
        this.quarantinePrefix = settings.prefix() + "quarantine/";
        AwsCredentialsProvider credentials = settings.accessKeyId() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(),
                settings.secretAccessKey()));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // many S3-compatible servers do not take the newer flexible-checksum trailers
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(settings.maxConnections())
                        .connectionTimeout(settings.timeout())
                        .socketTimeout(settings.timeout()))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(settings.maxAttempts())));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
    }

    @Override
    String kind() {
        return "s3";
    }

    @Override
    void initialize() {
        refresh();
        if (!state.up()) {
            log.warn("S3 node {} does not answer now; it counts as down until it does", this);
        }
    }

    @Override
    boolean isUp() {
        return current().up();
    }

    @Override
    boolean isReadOnly() {
        return current().readOnly();
    }

    @Override
    boolean isDraining() {
        return current().draining();
    }

    @Override
    boolean isReadable() {
        return isUp();
    }

    private State current() {
        State now = state;
        if (stale(now)) {
            synchronized (this) {
                now = state;
                if (stale(now)) { // not refreshed by another thread while this one waited
                    return refresh();
                }
            }
        }
        return now;
    }

    private boolean stale(State state) {
        return System.nanoTime() - state.checkedAtNanos() >= settings.stateCacheTime().toNanos();
    }

    /** One listing of the prefix's top level: the bucket answers (up) and which markers exist. */
    private synchronized State refresh() {
        State fresh;
        try {
            ListObjectsV2Response top = s3.listObjectsV2(r -> r.bucket(settings.bucket()).prefix(settings.prefix())
                    .delimiter("/").maxKeys(100));
            boolean readOnly = false;
            boolean draining = false;
            for (S3Object object : top.contents()) {
                readOnly |= object.key().equals(settings.prefix() + READ_ONLY);
                draining |= object.key().equals(settings.prefix() + DRAINING);
            }
            fresh = new State(true, readOnly, draining, System.nanoTime());
        } catch (SdkException e) {
            if (state.up()) {
                log.warn("S3 node {} is down: {}", this, e.toString());
            }
            fresh = new State(false, false, false, System.nanoTime());
        }
        state = fresh;
        return fresh;
    }

    /** A request could not reach the server: the node counts as down until the next check. */
    private IOException unreachable(String what, SdkException e) {
        errors.incrementAndGet();
        if (!(e instanceof S3Exception)) {
            state = new State(false, false, false, System.nanoTime());
        }
        return new IOException(what + " on S3 node " + name + " failed: " + e.getMessage(), e);
    }

    @Override
    void mark(String marker, boolean on) throws IOException {
        String key = settings.prefix() + marker;
        try {
            if (on) {
                s3.putObject(r -> r.bucket(settings.bucket()).key(key),
                        RequestBody.fromString("set by an administrator\n"));
            } else {
                s3.deleteObject(r -> r.bucket(settings.bucket()).key(key));
            }
        } catch (SdkException e) {
            throw unreachable("setting " + marker, e);
        }
        refresh();
    }

    @Override
    long usableBytes() {
        return isUp() ? Long.MAX_VALUE : 0;
    }

    @Override
    long totalBytes() {
        return 0;
    }

    private String key(String sha256) {
        return blobPrefix + sha256;
    }

    @Override
    Optional<Replica> replica(String sha256) throws IOException {
        try {
            HeadObjectResponse head = s3.headObject(r -> r.bucket(settings.bucket()).key(key(sha256)));
            return Optional.of(new Replica(this, sha256, head.contentLength(), head.lastModified(), head.eTag(), true,
                    null));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw unreachable("HEAD " + sha256, e);
        } catch (SdkException e) {
            throw unreachable("HEAD " + sha256, e);
        }
    }

    @Override
    InputStream open(Replica replica, long offset, long length) throws IOException {
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(settings.bucket())
                    .key(key(replica.sha256())).range("bytes=" + offset + "-" + (offset + length - 1)));
            return new AbortingStream(in, length);
        } catch (NoSuchKeyException e) {
            throw new java.nio.file.NoSuchFileException(key(replica.sha256()));
        } catch (SdkException e) {
            throw unreachable("GET " + replica.sha256(), e);
        }
    }

    @Override
    void write(String sha256, long size, Path verifiedSource, boolean fsync) throws IOException {
        if (Files.size(verifiedSource) != size) {
            throw new IOException(verifiedSource + " is not " + size + " bytes long");
        }
        if (size > MAX_PARTS * settings.partSize()) {
            throw new IOException("a blob of " + size + " bytes needs more than " + MAX_PARTS + " parts of "
                    + settings.partSize() + " bytes: raise the node's part size");
        }
        String key = key(sha256);
        try {
            if (size <= settings.partSize()) {
                s3.putObject(r -> r.bucket(settings.bucket()).key(key).contentLength(size),
                        RequestBody.fromContentProvider(() -> region(verifiedSource, 0, size), size,
                                "application/octet-stream"));
            } else {
                multipartUpload(key, size, verifiedSource);
            }
        } catch (SdkException e) {
            throw unreachable("upload of " + sha256, e);
        }
        Optional<Replica> written = replica(sha256);
        if (written.isEmpty() || written.get().size() != size) {
            throw new IOException("the object " + key + " has " + written.map(Replica::size).orElse(-1L)
                    + " bytes after its upload, expected " + size);
        }
    }

    private void multipartUpload(String key, long size, Path source) {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(settings.bucket()).key(key)
                .contentType("application/octet-stream")).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long partSize = settings.partSize();
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += partSize, partNumber++) {
                long start = offset;
                long length = Math.min(partSize, size - offset);
                int number = partNumber;
                String etag = s3.uploadPart(r -> r.bucket(settings.bucket()).key(key).uploadId(uploadId)
                                .partNumber(number).contentLength(length),
                        RequestBody.fromContentProvider(() -> region(source, start, length), length,
                                "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(r -> r.bucket(settings.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException e) {
            try {
                s3.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(key).uploadId(uploadId));
            } catch (SdkException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    /** A fresh stream of a region of a local file (the SDK may read a body twice: to sign it, and on a retry). */
    private static InputStream region(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    Optional<String> quarantine(Replica examined) throws IOException {
        String destination = quarantinePrefix + examined.sha256() + "." + System.currentTimeMillis() + "."
                + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        try {
            s3.copyObject(r -> r.sourceBucket(settings.bucket()).sourceKey(key(examined.sha256()))
                    .copySourceIfMatch(String.valueOf(examined.version()))
                    .destinationBucket(settings.bucket()).destinationKey(destination));
            s3.deleteObject(r -> r.bucket(settings.bucket()).key(key(examined.sha256())));
            return Optional.of(destination);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 404) {
                return Optional.empty(); // replaced or removed since it was examined
            }
            throw unreachable("quarantine of " + examined.sha256(), e);
        } catch (SdkException e) {
            throw unreachable("quarantine of " + examined.sha256(), e);
        }
    }

    @Override
    void delete(String sha256) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(settings.bucket()).key(key(sha256)));
        } catch (SdkException e) {
            throw unreachable("DELETE " + sha256, e);
        }
    }

    /** A copy of the object onto itself with replaced metadata: the only way S3 renews a last-modified time. */
    @Override
    void touch(String sha256) throws IOException {
        try {
            s3.copyObject(r -> r.sourceBucket(settings.bucket()).sourceKey(key(sha256))
                    .destinationBucket(settings.bucket()).destinationKey(key(sha256))
                    .metadataDirective(MetadataDirective.REPLACE)
                    .metadata(Map.of("reused", Instant.now().toString())));
        } catch (SdkException e) {
            throw unreachable("touch of " + sha256, e);
        }
    }

    @Override
    Iterator<String> ids() {
        return new IdIterator(false);
    }

    @Override
    NodeUsage usage() {
        IdIterator objects = new IdIterator(true);
        long count = 0;
        while (objects.hasNext()) {
            objects.next();
            count++;
        }
        return new NodeUsage(count, objects.bytes);
    }

    /** Aborts multipart uploads under the prefix started before the cut-off (leftovers of crashed writes). */
    @Override
    int cleanup(Instant cutoff) {
        if (!isUp()) {
            return 0;
        }
        int aborted = 0;
        try {
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(r -> r.bucket(settings.bucket())
                    .prefix(blobPrefix)).uploads()) {
                if (upload.initiated() != null && upload.initiated().isBefore(cutoff)) {
                    s3.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(upload.key())
                            .uploadId(upload.uploadId()));
                    aborted++;
                }
            }
        } catch (SdkException e) {
            log.info("Cannot list or abort abandoned multipart uploads on S3 node {} (a bucket lifecycle rule "
                    + "AbortIncompleteMultipartUpload does it too): {}", this, e.toString());
        }
        return aborted;
    }

    @Override
    NodeStatus status() {
        boolean up = isUp();
        return new NodeStatus(id, null, up, up ? Long.MAX_VALUE : 0, name, location, state(), 0, errors.get(), kind(),
                settings.endpoint() == null ? null : settings.endpoint().toString(),
                settings.bucket() + (settings.prefix().isEmpty() ? "" : "/" + settings.prefix()));
    }

    @Override
    void close() {
        s3.close();
    }

    /** Blob ids under the prefix, ascending (S3 lists keys in UTF-8 binary order), one page of 1000 at a time. */
    private final class IdIterator implements Iterator<String> {
        private final boolean countBytes;
        private final Deque<String> page = new ArrayDeque<>();
        private String continuation;
        private boolean exhausted;
        long bytes;

        IdIterator(boolean countBytes) {
            this.countBytes = countBytes;
        }

        @Override
        public boolean hasNext() {
            while (page.isEmpty() && !exhausted) {
                try {
                    ListObjectsV2Response response = s3.listObjectsV2(r -> r.bucket(settings.bucket())
                            .prefix(blobPrefix).continuationToken(continuation).maxKeys(1000));
                    for (S3Object object : response.contents()) {
                        String id = object.key().substring(blobPrefix.length());
                        if (BlobIds.isValid(id)) {
                            page.add(id);
                            if (countBytes) {
                                bytes += object.size();
                            }
                        }
                    }
                    continuation = response.nextContinuationToken();
                    exhausted = !Boolean.TRUE.equals(response.isTruncated()) || continuation == null;
                } catch (SdkException e) {
                    unreachable("listing", e);
                    log.warn("Listing S3 node {} failed, its blobs are left out of this listing: {}", S3Node.this,
                            e.toString());
                    exhausted = true;
                }
            }
            return !page.isEmpty();
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.poll();
        }
    }

    /** A ranged GET's body; closed before its end it aborts the connection rather than reading the rest. */
    private static final class AbortingStream extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private long remaining;

        AbortingStream(ResponseInputStream<GetObjectResponse> response, long length) {
            super(new BoundedInputStream(response, length));
            this.response = response;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            if (remaining > 0) {
                response.abort();
            }
            super.close();
        }
    }
}
