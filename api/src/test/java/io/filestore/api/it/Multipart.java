package io.filestore.api.it;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Builds a small multipart/form-data body in memory (test payloads only). */
final class Multipart {

    final String boundary = "----fs" + UUID.randomUUID().toString().replace("-", "");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Multipart field(String name, String contentType, String value) {
        write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n"
                + (contentType != null ? "Content-Type: " + contentType + "\r\n" : "") + "\r\n");
        write(value);
        write("\r\n");
        return this;
    }

    Multipart file(String name, String filename, String contentType, byte[] content) {
        write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                + filename.replace("\"", "\\\"") + "\"\r\n"
                + (contentType != null ? "Content-Type: " + contentType + "\r\n" : "") + "\r\n");
        out.writeBytes(content);
        write("\r\n");
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] bytes() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return copy.toByteArray();
    }

    HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.ofByteArray(bytes());
    }

    private void write(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
