package io.filestore.api.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** A target with a {@link ContentCheck}: whole bodies hashed while streaming, ranges from the checked file. */
class CheckedDownloadTest {

    private static final int SIZE = 10_000;
    private static final int BUFFER = 4096;

    @TempDir
    Path dir;
    byte[] content;
    String sha256;
    Path intact;
    Path rotten;
    final List<String> mismatches = new ArrayList<>();
    int intactReports;
    final DownloadResponder responder = new DownloadResponder(BUFFER, true);
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/files/1/download");
    MockHttpServletResponse response = new MockHttpServletResponse();

    @BeforeEach
    void files() throws Exception {
        content = new byte[SIZE];
        new Random(7).nextBytes(content);
        sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        intact = Files.write(dir.resolve("intact"), content);
        byte[] flipped = content.clone();
        flipped[10] ^= 1; // in the first buffer: found only at the end
        rotten = Files.write(dir.resolve("rotten"), flipped);
        request.setAttribute(DownloadResponder.SENDFILE_SUPPORTED_ATTR, Boolean.TRUE);
    }

    DownloadTarget target(Path served) {
        return new DownloadTarget(served, SIZE, sha256, Instant.parse("2026-01-01T00:00:00Z"), "application/pdf",
                "x.pdf", new ContentCheck() {
                    @Override
                    public String sha256() {
                        return sha256;
                    }

                    @Override
                    public Path checkedFile() {
                        return intact;
                    }

                    @Override
                    public void mismatch(String actual) {
                        mismatches.add(actual);
                    }

                    @Override
                    public void intact() {
                        intactReports++;
                    }
                });
    }

    @Test
    void servesAnIntactWholeBodyWithoutSendfile() throws IOException {
        responder.respond(request, response, target(intact));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsByteArray()).isEqualTo(content);
        assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR)).isNull();
        assertThat(mismatches).isEmpty();
        assertThat(intactReports).isEqualTo(1);
    }

    @Test
    void cutsOffACorruptWholeBodyBeforeItsLastBufferAndMarksTheRequestForAbort() {
        assertThatThrownBy(() -> responder.respond(request, response, target(rotten)))
                .isInstanceOf(CorruptContentException.class);

        assertThat(response.isCommitted()).isTrue();
        assertThat(response.getContentLengthLong()).isEqualTo(SIZE);
        byte[] sent = response.getContentAsByteArray();
        assertThat(sent.length).isEqualTo(SIZE - SIZE % BUFFER).isLessThan(SIZE);
        assertThat(request.getAttribute(DownloadResponder.ABORT_ATTRIBUTE)).isEqualTo(Boolean.TRUE);
        assertThat(mismatches).hasSize(1).doesNotContain(sha256);
        assertThat(intactReports).isZero();
    }

    @Test
    void servesRangesFromTheCheckedFile() throws IOException {
        request.addHeader("Range", "bytes=0-99");

        responder.respond(request, response, target(rotten));

        assertThat(response.getStatus()).isEqualTo(206);
        assertThat(response.getContentAsByteArray()).isEqualTo(Arrays.copyOfRange(content, 0, 100));
    }

    @Test
    void aHeadIsAnsweredWithoutReadingTheContent() throws IOException {
        request.setMethod("HEAD");

        responder.respond(request, response, target(rotten));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsByteArray()).isEmpty();
        assertThat(mismatches).isEmpty();
    }
}
