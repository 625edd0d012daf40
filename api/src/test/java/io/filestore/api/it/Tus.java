package io.filestore.api.it;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Raw tus 1.0.0 requests for the end-to-end tests, as one user of {@link Api}. */
final class Tus {

    static final String OCTETS = "application/offset+octet-stream";

    final Api api;

    Tus(Api api) {
        this.api = api;
    }

    HttpRequest.Builder request(String path) {
        return api.request(path).header("Tus-Resumable", "1.0.0");
    }

    HttpResponse<String> create(long length, Map<String, String> metadata) {
        return api.send(request("/api/uploads").header("Upload-Length", String.valueOf(length))
                .header("Upload-Metadata", metadata(metadata))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    HttpResponse<String> createWith(long length, Map<String, String> metadata, byte[] body) {
        return api.send(request("/api/uploads").header("Upload-Length", String.valueOf(length))
                .header("Upload-Metadata", metadata(metadata))
                .header("Content-Type", OCTETS)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** Creates an upload and returns its path. */
    String newUpload(long length, String filename) {
        HttpResponse<String> created = create(length, Map.of("filename", filename));
        if (created.statusCode() != 201) {
            throw new AssertionError("creation failed: " + created.statusCode() + " " + created.body());
        }
        return created.headers().firstValue("Location").orElseThrow();
    }

    HttpResponse<String> head(String path) {
        return api.send(request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    }

    HttpResponse<String> patch(String path, long offset, byte[] chunk) {
        return patch(path, offset, chunk, null);
    }

    HttpResponse<String> patch(String path, long offset, byte[] chunk, String checksumHeader) {
        HttpRequest.Builder builder = request(path).header("Upload-Offset", String.valueOf(offset))
                .header("Content-Type", OCTETS);
        if (checksumHeader != null) {
            builder.header("Upload-Checksum", checksumHeader);
        }
        return api.send(builder.method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)).build());
    }

    HttpResponse<String> delete(String path) {
        return api.send(request(path).DELETE().build());
    }

    static long offset(HttpResponse<?> response) {
        return Long.parseLong(response.headers().firstValue("Upload-Offset").orElseThrow());
    }

    static String sha256Header(byte[] chunk) {
        try {
            return "sha256 " + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(chunk));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String metadata(Map<String, String> pairs) {
        StringJoiner joiner = new StringJoiner(",");
        new LinkedHashMap<>(pairs).forEach((k, v) -> joiner.add(k + " "
                + Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return joiner.toString();
    }
}
