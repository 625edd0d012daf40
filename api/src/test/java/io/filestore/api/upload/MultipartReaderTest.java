package io.filestore.api.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartReaderTest {

    private static final String BOUNDARY = "XyZ123boundary";

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 1000, 70_000})
    void readsEveryPartWhateverTheReadSizes(int maxChunk) throws IOException {
        byte[] file = new byte[300_000];
        new Random(1).nextBytes(file);
        // bytes that look like the start of a delimiter inside the content
        byte[] tricky = ("\r\n--" + BOUNDARY.substring(0, 5)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tricky, 0, file, 1000, tricky.length);
        byte[] body = body("preamble to ignore\r\n",
                part("metadata", null, "application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                part("file", "ünï.bin", "application/octet-stream", file));

        List<byte[]> contents = new ArrayList<>();
        List<String> names = new ArrayList<>();
        MultipartReader reader = new MultipartReader(new ChunkedStream(body, maxChunk, 7), BOUNDARY);
        MultipartReader.Part part;
        while ((part = reader.next()) != null) {
            names.add(part.name() + "|" + part.filename() + "|" + part.contentType());
            contents.add(part.body().readAllBytes());
        }

        assertThat(names).containsExactly("metadata|null|application/json", "file|ünï.bin|application/octet-stream");
        assertThat(new String(contents.get(0), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(contents.get(1)).isEqualTo(file);
    }

    @Test
    void skipsUnreadRestOfAPart() throws IOException {
        byte[] body = body("", part("a", null, null, "aaaa".getBytes()), part("b", null, null, "bbbb".getBytes()));
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), BOUNDARY);

        MultipartReader.Part first = reader.next();
        assertThat(first.body().read()).isEqualTo('a');
        MultipartReader.Part second = reader.next();

        assertThat(second.name()).isEqualTo("b");
        assertThat(second.body().readAllBytes()).isEqualTo("bbbb".getBytes());
        assertThat(reader.next()).isNull();
    }

    @Test
    void emptyPartIsEmpty() throws IOException {
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body("", part("f", "e.txt", null,
                new byte[0]))), BOUNDARY);

        assertThat(reader.next().body().readAllBytes()).isEmpty();
        assertThat(reader.next()).isNull();
    }

    @Test
    void truncatedBodyIsAnError() {
        byte[] full = body("", part("f", "x.bin", null, new byte[5000]));
        byte[] truncated = java.util.Arrays.copyOf(full, full.length - 40);

        assertThatThrownBy(() -> {
            MultipartReader reader = new MultipartReader(new ByteArrayInputStream(truncated), BOUNDARY);
            reader.next().body().readAllBytes();
        }).isInstanceOf(MalformedMultipartException.class);
    }

    @Test
    void oversizedHeadersAreRefused() {
        String huge = "--" + BOUNDARY + "\r\nX-Big: " + "a".repeat(MultipartReader.MAX_HEADER_BYTES + 10) + "\r\n\r\n";
        assertThatThrownBy(() -> new MultipartReader(new ByteArrayInputStream(huge.getBytes()), BOUNDARY).next())
                .isInstanceOf(MalformedMultipartException.class);
    }

    @Test
    void extractsBoundaryAndExtendedFilenames() throws IOException {
        assertThat(MultipartReader.boundaryOf("multipart/form-data; boundary=\"a b\"; charset=utf-8")).isEqualTo("a b");
        assertThat(MultipartReader.boundaryOf("multipart/form-data")).isNull();
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fallback.txt\"; "
                + "filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\nx\r\n--" + BOUNDARY + "--\r\n";

        MultipartReader.Part part = new MultipartReader(new ByteArrayInputStream(head.getBytes()), BOUNDARY).next();

        assertThat(part.filename()).isEqualTo("€ rates.txt");
    }

    private static byte[] part(String name, String filename, String type, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename != null ? "; filename=\"" + filename + "\"" : "") + "\r\n"
                + (type != null ? "Content-Type: " + type + "\r\n" : "") + "\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes());
        return out.toByteArray();
    }

    private static byte[] body(String preamble, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(preamble.getBytes(StandardCharsets.UTF_8));
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\nepilogue").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Returns at most {@code maxChunk} bytes per read, in random sizes, like a network socket. */
    private static final class ChunkedStream extends FilterInputStream {
        private final int maxChunk;
        private final Random random;

        ChunkedStream(byte[] data, int maxChunk, long seed) {
            super(new ByteArrayInputStream(data));
            this.maxChunk = maxChunk;
            this.random = new Random(seed);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1 + random.nextInt(maxChunk)));
        }
    }
}
