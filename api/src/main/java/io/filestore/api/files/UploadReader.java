package io.filestore.api.files;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.api.upload.MalformedMultipartException;
import io.filestore.api.upload.MultipartReader;
import io.filestore.api.web.BadRequestException;
import io.filestore.api.web.PayloadTooLargeException;
import io.filestore.blob.BlobStore;
import io.filestore.blob.PutResult;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an upload request into the blob store as a stream: either {@code multipart/form-data} (a {@code file}
 * part, an optional {@code metadata} JSON part, optional simple fields) or a raw body. Nothing is buffered beyond
 * a small copy buffer; the size limit is enforced while streaming.
 */
@Component
class UploadReader {

    static final int MAX_FIELD_BYTES = 64 * 1024;
    /** Multipart framing (boundaries, part headers, small fields) allowed on top of the file size limit. */
    static final long MULTIPART_OVERHEAD = 1024 * 1024;
    private static final List<String> TEXT_FIELDS = List.of("name", "description", "tags", "folder", "mimeType",
            "changeLog");

    private final BlobStore blobs;
    private final JsonMapper json;
    private final long maxBytes;

    UploadReader(BlobStore blobs, JsonMapper json, FilestoreProperties properties) {
        this.blobs = blobs;
        this.json = json;
        this.maxBytes = properties.maxUploadSize().toBytes();
    }

    long maxBytes() {
        return maxBytes;
    }

    ReceivedUpload read(HttpServletRequest request) throws IOException {
        String contentType = request.getContentType();
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return readMultipart(request, contentType);
        }
        return readRaw(request, contentType);
    }

    private ReceivedUpload readRaw(HttpServletRequest request, String contentType) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw new PayloadTooLargeException("the file is larger than the limit of " + maxBytes + " bytes");
        }
        String expected = Digests.fromHeaders(request, true);
        MetadataInput fromHeader = parseJson(request.getHeader("X-File-Metadata"), "X-File-Metadata");
        MetadataInput fromQuery = fromParameters(request);
        String name = firstNonBlank(QueryParams.get(request, "name"), decodedHeader(request.getHeader("X-File-Name")),
                dispositionName(request.getHeader("Content-Disposition")));
        PutResult blob = blobs.put(request.getInputStream(), maxBytes, expected);
        MetadataInput metadata = MetadataInput.NONE.overriddenBy(fromHeader).overriddenBy(fromQuery);
        return new ReceivedUpload(blob, name, contentType, metadata);
    }

    private ReceivedUpload readMultipart(HttpServletRequest request, String contentType) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes + MULTIPART_OVERHEAD) {
            throw new PayloadTooLargeException("the file is larger than the limit of " + maxBytes + " bytes");
        }
        String boundary = MultipartReader.boundaryOf(contentType);
        if (boundary == null) {
            throw new MalformedMultipartException("multipart content type without a boundary");
        }
        String bodyDigest = Digests.structured(request.getHeader("Content-Digest"), "Content-Digest");
        String fileDigest = Digests.fromHeaders(request, false);
        MessageDigest sha256 = bodyDigest != null ? newSha256() : null;
        InputStream body = sha256 != null ? new DigestInputStream(request.getInputStream(), sha256)
                : request.getInputStream();
        MultipartReader reader = new MultipartReader(body, boundary);
        PutResult blob = null;
        String fileName = null;
        String partType = null;
        MetadataInput metadata = fromParameters(request);
        MetadataInput fields = MetadataInput.NONE;
        MultipartReader.Part part;
        while ((part = reader.next()) != null) {
            String name = part.name();
            String filename = part.filename();
            if (filename != null || "file".equals(name)) {
                if (blob != null) {
                    throw new BadRequestException("file", "only one file per request");
                }
                String partDigest = Digests.structured(part.header("content-digest"), "Content-Digest");
                blob = blobs.put(part.body(), maxBytes, partDigest != null ? partDigest : fileDigest);
                fileName = filename;
                partType = part.contentType();
            } else if ("metadata".equals(name)) {
                metadata = metadata.overriddenBy(parseJson(readField(part, "metadata"), "metadata"));
            } else if (name != null && TEXT_FIELDS.contains(name)) {
                fields = fields.overriddenBy(field(name, readField(part, name)));
            } else {
                throw new BadRequestException(name == null ? "multipart" : name,
                        "unknown form field '" + name + "': expected file, metadata or " + TEXT_FIELDS);
            }
        }
        reader.drainEpilogue();
        if (sha256 != null && !HexFormat.of().formatHex(sha256.digest()).equals(bodyDigest)) {
            throw new BadRequestException("Content-Digest", "Content-Digest does not match the request body");
        }
        if (blob == null) {
            throw new BadRequestException("file", "a multipart upload needs a 'file' part");
        }
        return new ReceivedUpload(blob, baseName(fileName), partType, fields.overriddenBy(metadata));
    }

    /** Parses the body of a metadata update (bounded by the JSON body limit). */
    MetadataInput parseJson(String text, String parameter) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            MetadataInput input = json.readValue(text, MetadataInput.class);
            if (input == null) {
                throw new BadRequestException(parameter, parameter + " must be a JSON object");
            }
            return input;
        } catch (JacksonException e) {
            throw io.filestore.api.web.JsonErrors.badRequest(e, parameter, parameter);
        }
    }

    private static MetadataInput fromParameters(HttpServletRequest request) {
        MetadataInput input = MetadataInput.NONE;
        for (String name : TEXT_FIELDS) {
            String value = QueryParams.get(request, name);
            if (value != null && !name.equals("name")) {
                input = input.overriddenBy(field(name, value));
            }
        }
        return input;
    }

    private static MetadataInput field(String name, String value) {
        return switch (name) {
            case "name" -> new MetadataInput(value, null, null, null, null, null, null);
            case "description" -> new MetadataInput(null, value, null, null, null, null, null);
            case "tags" -> new MetadataInput(null, null, value.isBlank() ? List.of()
                    : Arrays.stream(value.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList(),
                    null, null, null, null);
            case "folder" -> new MetadataInput(null, null, null, value, null, null, null);
            case "mimeType" -> new MetadataInput(null, null, null, null, null, value, null);
            case "changeLog" -> new MetadataInput(null, null, null, null, null, null, value);
            default -> MetadataInput.NONE;
        };
    }

    private static String readField(MultipartReader.Part part, String name) throws IOException {
        byte[] bytes = part.body().readNBytes(MAX_FIELD_BYTES + 1);
        if (bytes.length > MAX_FIELD_BYTES) {
            throw new BadRequestException(name, "form field '" + name + "' exceeds " + MAX_FIELD_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Browsers send a bare name; some clients send a whole client-side path: keep its last segment only. */
    static String baseName(String filename) {
        if (filename == null) {
            return null;
        }
        int cut = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
        return filename.substring(cut + 1);
    }

    private static String decodedHeader(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("X-File-Name", "X-File-Name must be percent-encoded UTF-8");
        }
    }

    private static String dispositionName(String disposition) {
        if (disposition == null) {
            return null;
        }
        return baseName(io.filestore.api.upload.ContentDispositions.filename(disposition));
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
