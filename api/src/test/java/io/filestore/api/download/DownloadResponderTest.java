package io.filestore.api.download;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DownloadResponderTest {

    private static final String ETAG = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final Instant MODIFIED = Instant.parse("2025-03-04T10:20:30.123Z");
    private static final String MODIFIED_DATE = "Tue, 04 Mar 2025 10:20:30 GMT";
    private static final int SIZE = 10_000;

    @TempDir
    Path dir;

    private byte[] content;
    private DownloadTarget target;
    private final DownloadResponder responder = new DownloadResponder(4096, true);
    private MockHttpServletRequest request;
    private MockHttpServletResponse response;

    @BeforeEach
    void createFile() throws IOException {
        content = randomBytes(SIZE, 1);
        target = targetFor(content, "report.pdf", "application/pdf");
        request = new MockHttpServletRequest("GET", "/files/1/content");
        response = new MockHttpServletResponse();
    }

    private DownloadTarget targetFor(byte[] bytes, String filename, String mediaType) throws IOException {
        Path file = Files.write(Files.createTempFile(dir, "blob", ".bin"), bytes);
        return new DownloadTarget(file, bytes.length, ETAG, MODIFIED, mediaType, filename);
    }

    private void respond() throws IOException {
        responder.respond(request, response, target);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private byte[] slice(long first, long last) {
        return Arrays.copyOfRange(content, (int) first, (int) last + 1);
    }

    private void assertValidators() {
        assertThat(response.getHeader("Accept-Ranges")).isEqualTo("bytes");
        assertThat(response.getHeader("ETag")).isEqualTo("\"" + ETAG + "\"");
        assertThat(response.getHeader("Last-Modified")).isEqualTo(MODIFIED_DATE);
        assertThat(response.getHeader("Cache-Control")).isEqualTo("private, max-age=0, must-revalidate");
        assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.getHeader("Content-Security-Policy")).isEqualTo("sandbox");
    }

    private void assertProblem(int status) throws IOException {
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentLengthLong()).isEqualTo(response.getContentAsByteArray().length);
        tools.jackson.databind.JsonNode body = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(response.getContentAsByteArray());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("type").asString()).isEqualTo("about:blank");
        assertThat(body.get("success").asBoolean()).isFalse();
        assertThat(body.get("detail").asString()).isEqualTo(body.get("error").asString());
        assertThat(body.get("instance").asString()).isEqualTo(request.getRequestURI());
    }

    @Test
    void quotesJsonStrings() {
        assertThat(DownloadResponder.quote("a\"b\\c\u0001")).isEqualTo("\"a\\\"b\\\\c\\u0001\"");
    }

    private void assertFull200() {
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeader("Content-Range")).isNull();
        assertThat(response.getContentLengthLong()).isEqualTo(SIZE);
        assertThat(response.getContentAsByteArray()).isEqualTo(content);
    }

    private void assertSingle206(long first, long last) {
        assertThat(response.getStatus()).isEqualTo(206);
        assertThat(response.getHeader("Content-Range")).isEqualTo("bytes " + first + "-" + last + "/" + SIZE);
        assertThat(response.getContentLengthLong()).isEqualTo(last - first + 1);
        assertThat(response.getContentType()).isEqualTo("application/pdf");
        assertThat(response.getContentAsByteArray()).isEqualTo(slice(first, last));
    }

    @Nested
    class FullResponse {

        @Test
        void sendsWholeFileWithAllHeaders() throws IOException {
            respond();

            assertFull200();
            assertValidators();
            assertThat(response.getContentType()).isEqualTo("application/pdf");
            assertThat(response.getHeader("Content-Disposition"))
                    .isEqualTo("attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
        }

        @Test
        void copiesFilesLargerThanTheBufferInChunks() throws IOException {
            content = randomBytes(1_000_003, 2);
            target = targetFor(content, "big.bin", "application/octet-stream");

            new DownloadResponder(7, false).respond(request, response, target);

            assertThat(response.getContentAsByteArray()).isEqualTo(content);
        }

        @Test
        void fallsBackToOctetStreamForMissingOrMalformedMediaType() throws IOException {
            for (String mediaType : new String[]{null, "", "text", "text/plain\r\nX-Evil: 1", "tëxt/plain"}) {
                target = targetFor(content, "x", mediaType);
                response = new MockHttpServletResponse();
                respond();
                assertThat(response.getContentType()).isEqualTo("application/octet-stream");
            }
        }

        @Test
        void keepsMediaTypeParameters() throws IOException {
            target = targetFor(content, "notes.txt", "text/plain; charset=utf-8");
            respond();
            assertThat(response.getHeader("Content-Type")).startsWith("text/plain").containsIgnoringCase("charset=utf-8");
        }

        @Test
        void sendsConfiguredCacheControl() throws IOException {
            new DownloadResponder(4096, true, "private, max-age=3600").respond(request, response, target);
            assertThat(response.getHeader("Cache-Control")).isEqualTo("private, max-age=3600");
        }

        @Test
        void sendsSafeContentDispositionForHostileNames() throws IOException {
            target = targetFor(content, "../../etc/pa\"ss\\wd\r\n日本", "text/plain");
            respond();
            assertThat(response.getHeader("Content-Disposition")).isEqualTo(
                    "attachment; filename=\".._.._etc_pa_ss_wd____\"; "
                            + "filename*=UTF-8''.._.._etc_pa%22ss_wd__%E6%97%A5%E6%9C%AC");
        }

        @Test
        void rejectsOtherMethods() {
            request.setMethod("POST");
            assertThatIllegalArgumentException().isThrownBy(DownloadResponderTest.this::respond);
        }

        @Test
        void failsBeforeAnyHeaderWhenFileIsMissing() throws IOException {
            Files.delete(target.file());
            assertThatThrownBy(DownloadResponderTest.this::respond).isInstanceOf(NoSuchFileException.class);
            assertThat(response.getHeaderNames()).isEmpty();
            assertThat(response.isCommitted()).isFalse();
        }

        @Test
        void failsBeforeAnyHeaderWhenFileSizeDiffersFromTarget() {
            target = new DownloadTarget(target.file(), SIZE + 1, ETAG, MODIFIED, "application/pdf", "x");
            assertThatThrownBy(DownloadResponderTest.this::respond).isInstanceOf(IOException.class)
                    .hasMessageContaining("expected " + (SIZE + 1));
            assertThat(response.getHeaderNames()).isEmpty();
        }
    }

    @Nested
    class Head {

        @Test
        void sendsHeadersOfGetWithoutBody() throws IOException {
            request.setMethod("HEAD");
            respond();

            assertThat(response.getStatus()).isEqualTo(200);
            assertValidators();
            assertThat(response.getContentLengthLong()).isEqualTo(SIZE);
            assertThat(response.getContentType()).isEqualTo("application/pdf");
            assertThat(response.getHeader("Content-Disposition")).startsWith("attachment;");
            assertThat(response.getContentAsByteArray()).isEmpty();
        }

        @Test
        void ignoresRangeBecauseRangesAreDefinedForGetOnly() throws IOException {
            request.setMethod("HEAD");
            request.addHeader("Range", "bytes=0-9");
            respond();

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentLengthLong()).isEqualTo(SIZE);
            assertThat(response.getContentAsByteArray()).isEmpty();
        }

        @Test
        void answersNotModified() throws IOException {
            request.setMethod("HEAD");
            request.addHeader("If-None-Match", "\"" + ETAG + "\"");
            respond();
            assertThat(response.getStatus()).isEqualTo(304);
        }
    }

    @Nested
    class SingleRange {

        @Test
        void sendsFirstToLast() throws IOException {
            request.addHeader("Range", "bytes=100-199");
            respond();
            assertSingle206(100, 199);
            assertValidators();
            assertThat(response.getHeader("Content-Disposition")).startsWith("attachment;");
        }

        @Test
        void sendsOpenEndedRange() throws IOException {
            request.addHeader("Range", "bytes=9000-");
            respond();
            assertSingle206(9000, SIZE - 1);
        }

        @Test
        void sendsSuffix() throws IOException {
            request.addHeader("Range", "bytes=-500");
            respond();
            assertSingle206(SIZE - 500, SIZE - 1);
        }

        @Test
        void clampsLastBeyondTheEnd() throws IOException {
            request.addHeader("Range", "bytes=9990-20000");
            respond();
            assertSingle206(9990, SIZE - 1);
        }

        @Test
        void sendsWholeFileAs206ForSuffixLongerThanFile() throws IOException {
            request.addHeader("Range", "bytes=-20000");
            respond();
            assertSingle206(0, SIZE - 1);
        }

        @Test
        void sendsOneByte() throws IOException {
            request.addHeader("Range", "bytes=0-0");
            respond();
            assertSingle206(0, 0);
        }

        @Test
        void sendsTheOnlySatisfiableRangeOfSeveralAsSinglePart() throws IOException {
            request.addHeader("Range", "bytes=50000-60000, 10-19");
            respond();
            assertSingle206(10, 19);
        }
    }

    @Nested
    class MultipleRanges {

        @Test
        void sendsEachRangeAsPartInRequestOrder() throws IOException {
            request.addHeader("Range", "bytes=9000-9099, 0-9,-5 , 500-");
            respond();

            assertThat(response.getStatus()).isEqualTo(206);
            assertValidators();
            assertThat(response.getHeader("Content-Range")).isNull();
            assertThat(response.getHeader("Content-Disposition")).startsWith("attachment;");
            String boundary = boundaryOf(response.getContentType());
            byte[] body = response.getContentAsByteArray();
            assertThat(response.getContentLengthLong()).isEqualTo(body.length);

            List<Part> parts = parseMultipart(body, boundary);
            assertThat(parts).hasSize(4);
            long[][] expected = {{9000, 9099}, {0, 9}, {SIZE - 5, SIZE - 1}, {500, SIZE - 1}};
            for (int i = 0; i < expected.length; i++) {
                Part part = parts.get(i);
                assertThat(part.headers()).containsEntry("Content-Type", "application/pdf")
                        .containsEntry("Content-Range", "bytes " + expected[i][0] + "-" + expected[i][1] + "/" + SIZE)
                        .hasSize(2);
                assertThat(part.body()).isEqualTo(slice(expected[i][0], expected[i][1]));
            }
        }

        @Test
        void usesFreshBoundaryForEachResponse() throws IOException {
            request.addHeader("Range", "bytes=0-1,5-6");
            respond();
            String first = boundaryOf(response.getContentType());
            response = new MockHttpServletResponse();
            respond();
            assertThat(boundaryOf(response.getContentType())).isNotEqualTo(first);
        }

        @Test
        void streamsPartsLargerThanTheBuffer() throws IOException {
            content = randomBytes(300_000, 3);
            target = targetFor(content, "big.bin", "application/octet-stream");
            request.addHeader("Range", "bytes=0-99999,200000-");

            new DownloadResponder(1000, true).respond(request, response, target);

            byte[] body = response.getContentAsByteArray();
            assertThat(response.getContentLengthLong()).isEqualTo(body.length);
            List<Part> parts = parseMultipart(body, boundaryOf(response.getContentType()));
            assertThat(parts.get(0).body()).isEqualTo(slice(0, 99_999));
            assertThat(parts.get(1).body()).isEqualTo(slice(200_000, 299_999));
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR)).isNull();
        }

        @Test
        void ignoresRangesThatOverlapBeyondTheSize() throws IOException {
            request.addHeader("Range", "bytes=0-,0-");
            respond();
            assertFull200();
        }

        @Test
        void ignoresMoreThanOneHundredRanges() throws IOException {
            StringBuilder header = new StringBuilder("bytes=0-0");
            for (int i = 1; i <= 100; i++) {
                header.append(',').append(i).append('-').append(i);
            }
            request.addHeader("Range", header.toString());
            respond();
            assertFull200();
        }
    }

    @Nested
    class Unsatisfiable {

        @Test
        void answers416WithCompleteLength() throws IOException {
            request.addHeader("Range", "bytes=10000-");
            respond();

            assertThat(response.getStatus()).isEqualTo(416);
            assertThat(response.getHeader("Content-Range")).isEqualTo("bytes */" + SIZE);
            assertValidators();
            assertProblem(416);
            assertThat(response.getHeader("Content-Disposition")).isNull();
        }

        @Test
        void answers416ForZeroSuffix() throws IOException {
            request.addHeader("Range", "bytes=-0");
            respond();
            assertThat(response.getStatus()).isEqualTo(416);
        }
    }

    @Nested
    class IgnoredRange {

        @Test
        void ignoresInvalidSyntax() throws IOException {
            for (String range : new String[]{"bytes=abc", "bytes=5-1", "bytes=", "0-10", "bytes=1-2;x"}) {
                request = new MockHttpServletRequest("GET", "/");
                request.addHeader("Range", range);
                response = new MockHttpServletResponse();
                respond();
                assertFull200();
            }
        }

        @Test
        void ignoresOtherUnits() throws IOException {
            request.addHeader("Range", "items=0-1");
            respond();
            assertFull200();
        }
    }

    @Nested
    class IfRange {

        @Test
        void appliesRangeWhenStrongTagMatches() throws IOException {
            request.addHeader("Range", "bytes=0-9");
            request.addHeader("If-Range", "\"" + ETAG + "\"");
            respond();
            assertSingle206(0, 9);
        }

        @Test
        void sendsFullFileWhenTagDiffers() throws IOException {
            request.addHeader("Range", "bytes=0-9");
            request.addHeader("If-Range", "\"old\"");
            respond();
            assertFull200();
        }

        @Test
        void sendsFullFileForWeakTag() throws IOException {
            request.addHeader("Range", "bytes=0-9");
            request.addHeader("If-Range", "W/\"" + ETAG + "\"");
            respond();
            assertFull200();
        }

        @Test
        void appliesRangeWhenDateEqualsLastModified() throws IOException {
            request.addHeader("Range", "bytes=0-9");
            request.addHeader("If-Range", MODIFIED_DATE);
            respond();
            assertSingle206(0, 9);
        }

        @Test
        void sendsFullFileWhenDateDiffers() throws IOException {
            request.addHeader("Range", "bytes=0-9");
            request.addHeader("If-Range", "Tue, 04 Mar 2025 10:20:31 GMT");
            respond();
            assertFull200();
        }

        @Test
        void sendsFullFileInsteadOf416WhenIfRangeFails() throws IOException {
            request.addHeader("Range", "bytes=20000-");
            request.addHeader("If-Range", "\"old\"");
            respond();
            assertFull200();
        }
    }

    @Nested
    class Conditional {

        @Test
        void answers304WithValidatorsAndNoBody() throws IOException {
            request.addHeader("If-None-Match", "W/\"x\", \"" + ETAG + "\"");
            request.addHeader("Range", "bytes=0-9");
            respond();

            assertThat(response.getStatus()).isEqualTo(304);
            assertThat(response.getHeader("ETag")).isEqualTo("\"" + ETAG + "\"");
            assertThat(response.getHeader("Last-Modified")).isEqualTo(MODIFIED_DATE);
            assertThat(response.getHeader("Cache-Control")).isEqualTo("private, max-age=0, must-revalidate");
            assertThat(response.getHeader("Content-Disposition")).isNull();
            assertThat(response.getHeader("Content-Range")).isNull();
            assertThat(response.getContentType()).isNull();
            assertThat(response.getContentAsByteArray()).isEmpty();
        }

        @Test
        void answers304ForWildcardIfNoneMatch() throws IOException {
            request.addHeader("If-None-Match", "*");
            respond();
            assertThat(response.getStatus()).isEqualTo(304);
        }

        @Test
        void answers304WhenNotModifiedSince() throws IOException {
            request.addHeader("If-Modified-Since", MODIFIED_DATE);
            respond();
            assertThat(response.getStatus()).isEqualTo(304);
            assertThat(response.getContentAsByteArray()).isEmpty();
        }

        @Test
        void sendsFileWhenModifiedSince() throws IOException {
            request.addHeader("If-Modified-Since", "Tue, 04 Mar 2025 10:20:29 GMT");
            respond();
            assertFull200();
        }

        @Test
        void answers412WhenIfMatchFails() throws IOException {
            request.addHeader("If-Match", "\"other\", W/\"" + ETAG + "\"");
            request.addHeader("Range", "bytes=0-9");
            respond();

            assertThat(response.getStatus()).isEqualTo(412);
            assertValidators();
            assertProblem(412);
            assertThat(response.getHeader("Content-Disposition")).isNull();
        }

        @Test
        void sendsRangeWhenIfMatchHolds() throws IOException {
            request.addHeader("If-Match", "\"other\", \"" + ETAG + "\"");
            request.addHeader("Range", "bytes=0-9");
            respond();
            assertSingle206(0, 9);
        }

        @Test
        void sendsFileForWildcardIfMatch() throws IOException {
            request.addHeader("If-Match", "*");
            respond();
            assertFull200();
        }

        @Test
        void answers412WhenModifiedAfterIfUnmodifiedSince() throws IOException {
            request.addHeader("If-Unmodified-Since", "Tue, 04 Mar 2025 10:20:29 GMT");
            respond();
            assertThat(response.getStatus()).isEqualTo(412);
        }

        @Test
        void sendsFileWhenUnmodifiedSince() throws IOException {
            request.addHeader("If-Unmodified-Since", MODIFIED_DATE);
            respond();
            assertFull200();
        }
    }

    @Nested
    class EmptyFile {

        @BeforeEach
        void emptyTarget() throws IOException {
            content = new byte[0];
            target = targetFor(content, "empty.txt", "text/plain");
        }

        @Test
        void sends200WithZeroLength() throws IOException {
            respond();
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentLengthLong()).isZero();
            assertThat(response.getHeader("Content-Length")).isEqualTo("0");
            assertThat(response.getContentAsByteArray()).isEmpty();
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR)).isNull();
        }

        @Test
        void answers416ForIntRange() throws IOException {
            request.addHeader("Range", "bytes=0-");
            respond();
            assertThat(response.getStatus()).isEqualTo(416);
            assertThat(response.getHeader("Content-Range")).isEqualTo("bytes */0");
        }

        @Test
        void sends200ForSuffixRangeBecauseItsEmptyRangeCannotBeWritten() throws IOException {
            request.addHeader("Range", "bytes=-10");
            respond();
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentLengthLong()).isZero();
            assertThat(response.getHeader("Content-Range")).isNull();
        }
    }

    @Nested
    class Sendfile {

        private static final int LARGE = (int) DownloadResponder.SENDFILE_MIN_LENGTH;

        @BeforeEach
        void largeTarget() throws IOException {
            content = randomBytes(200_000, 4);
            target = targetFor(content, "large.bin", "application/octet-stream");
        }

        private void supportSendfile() {
            request.setAttribute(DownloadResponder.SENDFILE_SUPPORTED_ATTR, Boolean.TRUE);
        }

        @Test
        void handsWholeFileToTomcat() throws IOException {
            supportSendfile();
            respond();

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentLengthLong()).isEqualTo(200_000);
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR))
                    .isEqualTo(target.file().toAbsolutePath().toString());
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_START_ATTR)).isEqualTo(0L);
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_END_ATTR)).isEqualTo(200_000L);
            assertThat(response.getContentAsByteArray()).as("Tomcat writes the body, not the servlet").isEmpty();
        }

        @Test
        void handsOneRangeToTomcatWithExclusiveEnd() throws IOException {
            supportSendfile();
            request.addHeader("Range", "bytes=1000-" + (1000 + LARGE - 1));
            respond();

            assertThat(response.getStatus()).isEqualTo(206);
            assertThat(response.getContentLengthLong()).isEqualTo(LARGE);
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_START_ATTR)).isEqualTo(1000L);
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_END_ATTR)).isEqualTo(1000L + LARGE);
            assertThat(response.getContentAsByteArray()).isEmpty();
        }

        @Test
        void copiesRegionOneByteBelowTheThreshold() throws IOException {
            supportSendfile();
            request.addHeader("Range", "bytes=1000-" + (1000 + LARGE - 2));
            respond();

            assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR)).isNull();
            assertThat(response.getContentAsByteArray()).isEqualTo(slice(1000, 1000 + LARGE - 2));
        }

        @Test
        void copiesWhenConnectorDoesNotSupportIt() throws IOException {
            respond();
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR)).isNull();
            assertThat(response.getContentAsByteArray()).isEqualTo(content);

            request = new MockHttpServletRequest("GET", "/");
            request.setAttribute(DownloadResponder.SENDFILE_SUPPORTED_ATTR, "true");
            response = new MockHttpServletResponse();
            respond();
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR)).isNull();
            assertThat(response.getContentAsByteArray()).isEqualTo(content);
        }

        @Test
        void copiesWhenDisabled() throws IOException {
            supportSendfile();
            new DownloadResponder(4096, false).respond(request, response, target);
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR)).isNull();
            assertThat(response.getContentAsByteArray()).isEqualTo(content);
        }

        @Test
        void isNotUsedForHead() throws IOException {
            supportSendfile();
            request.setMethod("HEAD");
            respond();
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR)).isNull();
            assertThat(response.getContentLengthLong()).isEqualTo(200_000);
        }

        @Test
        void isNotUsedForMultipleRanges() throws IOException {
            supportSendfile();
            request.addHeader("Range", "bytes=0-99999,100000-199999");
            respond();
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR)).isNull();
            assertThat(parseMultipart(response.getContentAsByteArray(), boundaryOf(response.getContentType())))
                    .hasSize(2);
        }

        @Test
        void failsBeforeAnyHeaderWhenFileIsMissing() throws IOException {
            supportSendfile();
            Files.delete(target.file());
            assertThatThrownBy(DownloadResponderTest.this::respond).isInstanceOf(NoSuchFileException.class);
            assertThat(response.getHeaderNames()).isEmpty();
            assertThat(request.getAttribute(DownloadResponder.SENDFILE_FILENAME_ATTR)).isNull();
        }
    }

    @Nested
    class ClientDisconnect {

        @Test
        void endsQuietlyWhenClientStopsReadingMidBody() throws IOException {
            content = randomBytes(200_000, 5);
            target = targetFor(content, "large.bin", "application/octet-stream");
            BrokenPipeResponse broken = new BrokenPipeResponse(response, 10_000);

            responder.respond(request, broken, target);

            assertThat(broken.written).isEqualTo(10_000);
            assertThat(broken.writeAttempts).as("stops at the first failed write").isEqualTo(broken.okWrites + 1);
        }

        @Test
        void endsQuietlyWhenClientGoesAwayDuringMultipart() throws IOException {
            request.addHeader("Range", "bytes=0-10,20-30");
            responder.respond(request, new BrokenPipeResponse(response, 0), target);
            assertThat(response.getStatus()).isEqualTo(206);
        }
    }

    /** A response whose client disconnects once {@code limit} bytes went through. */
    private static final class BrokenPipeResponse extends HttpServletResponseWrapper {
        private final long limit;
        long written;
        int writeAttempts;
        int okWrites;

        BrokenPipeResponse(MockHttpServletResponse response, long limit) {
            super(response);
            this.limit = limit;
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return new ServletOutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writeAttempts++;
                    if (written + len > limit) {
                        written = limit;
                        throw new IOException("Broken pipe");
                    }
                    written += len;
                    okWrites++;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }

    record Part(Map<String, String> headers, byte[] body) {
    }

    private static String boundaryOf(String contentType) {
        Matcher m = Pattern.compile("multipart/byteranges; boundary=(\\S+)").matcher(contentType);
        assertThat(m.matches()).as("content type %s", contentType).isTrue();
        return m.group(1);
    }

    /**
     * Parses a multipart/byteranges body strictly: each part's length comes from its Content-Range, and every
     * delimiter and CRLF must be exactly where RFC 2046 puts it, with nothing after the close delimiter.
     */
    static List<Part> parseMultipart(byte[] body, String boundary) {
        List<Part> parts = new ArrayList<>();
        int[] pos = {0};
        expect(body, pos, "--" + boundary + "\r\n");
        while (true) {
            Map<String, String> headers = new LinkedHashMap<>();
            String line;
            while (!(line = readLine(body, pos)).isEmpty()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
            Matcher range = Pattern.compile("bytes (\\d+)-(\\d+)/\\d+").matcher(headers.get("Content-Range"));
            assertThat(range.matches()).isTrue();
            int length = (int) (Long.parseLong(range.group(2)) - Long.parseLong(range.group(1)) + 1);
            parts.add(new Part(headers, Arrays.copyOfRange(body, pos[0], pos[0] + length)));
            pos[0] += length;
            expect(body, pos, "\r\n--" + boundary);
            if (new String(body, pos[0], 2, StandardCharsets.US_ASCII).equals("--")) {
                expect(body, pos, "--\r\n");
                assertThat(pos[0]).as("nothing after the close delimiter").isEqualTo(body.length);
                return parts;
            }
            expect(body, pos, "\r\n");
        }
    }

    private static void expect(byte[] body, int[] pos, String text) {
        byte[] expected = text.getBytes(StandardCharsets.US_ASCII);
        assertThat(Arrays.copyOfRange(body, pos[0], pos[0] + expected.length))
                .as("at offset %d", pos[0]).isEqualTo(expected);
        pos[0] += expected.length;
    }

    private static String readLine(byte[] body, int[] pos) {
        int start = pos[0];
        while (!(body[pos[0]] == '\r' && body[pos[0] + 1] == '\n')) {
            pos[0]++;
        }
        String line = new String(body, start, pos[0] - start, StandardCharsets.US_ASCII);
        pos[0] += 2;
        return line;
    }
}
