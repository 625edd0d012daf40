package io.filestore.api.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the end-to-end tests: requests as a given user, JSON answers as trees. */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    final RunningApp app;
    final String user;

    Api(String user) {
        this(RunningApp.get(), user);
    }

    Api(RunningApp app, String user) {
        this.app = app;
        this.user = user;
    }

    /** A fresh user per test, so tests never see each other's files. */
    static Api newUser() {
        return new Api("u-" + UUID.randomUUID().toString().substring(0, 12));
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(app.uri(path)).timeout(Duration.ofMinutes(10)).header("X-User-Id", user);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> sendBytes(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    /** Uploads {@code content} as multipart with a metadata JSON part; returns the response. */
    HttpResponse<String> uploadMultipart(String filename, String contentType, byte[] content, String metadataJson) {
        Multipart body = new Multipart();
        if (metadataJson != null) {
            body.field("metadata", "application/json", metadataJson);
        }
        body.file("file", filename, contentType, content);
        return send(request("/api/files/upload").header("Content-Type", body.contentType())
                .POST(body.publisher()).build());
    }

    /** Uploads and returns the new file's id, asserting the 201. */
    String upload(String filename, byte[] content) {
        HttpResponse<String> response = uploadMultipart(filename, "text/plain", content, null);
        if (response.statusCode() != 201) {
            throw new AssertionError("upload failed: " + response.statusCode() + " " + response.body());
        }
        return data(response).get("fileId").asString();
    }

    long listTotal() {
        return data(get("/api/files?limit=1")).get("pagination").get("total").asLong();
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    static JsonNode data(HttpResponse<String> response) {
        return json(response).get("data");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static URI uri(String s) {
        return URI.create(s);
    }
}
