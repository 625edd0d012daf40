package io.filestore.api.admission;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class UploadAdmissionFilterTest {

    /** A chain that counts itself in, waits for {@code release}, then answers 201. */
    private static FilterChain blockingUntil(CountDownLatch inside, CountDownLatch release) {
        return (request, response) -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ((MockHttpServletResponse) response).setStatus(201);
        };
    }

    @Test
    void runsAtMostMaxConcurrentQueuesUpToMaxQueuedAndAnswers503WithRetryAfterBeyond() throws Exception {
        UploadAdmissionFilter filter = new UploadAdmissionFilter(
                new AdmissionProperties(2, 1, Duration.ofSeconds(30), Duration.ofSeconds(7)));
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        FilterChain blocking = blockingUntil(inside, release);
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Future<MockHttpServletResponse> first = pool.submit(() -> run(filter, upload(), blocking));
            Future<MockHttpServletResponse> second = pool.submit(() -> run(filter, upload(), blocking));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            Future<MockHttpServletResponse> queued = pool.submit(() -> run(filter, upload(), blocking));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (filter.waiting() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            MockHttpServletResponse rejected = run(filter, upload(), blocking);

            assertThat(rejected.getStatus()).isEqualTo(503);
            assertThat(rejected.getHeader("Retry-After")).isEqualTo("7");
            assertThat(rejected.getContentType()).isEqualTo("application/problem+json");
            assertThat(filter.running()).isEqualTo(2);

            MockHttpServletResponse read = run(filter, new MockHttpServletRequest("GET", "/api/files/x"),
                    (request, response) -> ((MockHttpServletResponse) response).setStatus(200));
            assertThat(read.getStatus()).as("reads never wait for upload slots").isEqualTo(200);

            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(201);
            assertThat(second.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(201);
            assertThat(queued.get(10, TimeUnit.SECONDS).getStatus()).as("the queued one ran").isEqualTo(201);
            assertThat(filter.running()).isZero();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aQueuedRequestGives503AfterTheQueueTimeout() throws Exception {
        UploadAdmissionFilter filter = new UploadAdmissionFilter(
                new AdmissionProperties(1, 10, Duration.ofMillis(200), Duration.ofSeconds(3)));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(1);
        FilterChain blocking = blockingUntil(inside, release);
        Thread holder = new Thread(() -> run(filter, upload(), blocking));
        holder.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse timedOut = run(filter, upload(), blocking);

        assertThat(timedOut.getStatus()).isEqualTo(503);
        assertThat(timedOut.getHeader("Retry-After")).isEqualTo("3");
        release.countDown();
        holder.join();
    }

    @Test
    void coversEveryContentUploadEndpointOnly() {
        assertThat(UploadAdmissionFilter.isUpload(new MockHttpServletRequest("POST", "/api/files/upload"))).isTrue();
        assertThat(UploadAdmissionFilter.isUpload(new MockHttpServletRequest("PUT", "/api/files/upload"))).isTrue();
        assertThat(UploadAdmissionFilter.isUpload(new MockHttpServletRequest("PUT", "/api/files/abc"))).isTrue();
        assertThat(UploadAdmissionFilter.isUpload(new MockHttpServletRequest("POST", "/api/uploads"))).isTrue();
        assertThat(UploadAdmissionFilter.isUpload(new MockHttpServletRequest("PATCH", "/api/uploads/abc"))).isTrue();
        assertThat(UploadAdmissionFilter.isUpload(new MockHttpServletRequest("HEAD", "/api/uploads/abc"))).isFalse();
        assertThat(UploadAdmissionFilter.isUpload(new MockHttpServletRequest("GET", "/api/files/abc"))).isFalse();
        assertThat(UploadAdmissionFilter.isUpload(new MockHttpServletRequest("POST", "/api/files/abc/metadata")))
                .isFalse();
    }

    private static MockHttpServletRequest upload() {
        return new MockHttpServletRequest("POST", "/api/files/upload");
    }

    private static MockHttpServletResponse run(UploadAdmissionFilter filter, MockHttpServletRequest request,
                                               FilterChain chain) {
        MockHttpServletResponse response = new MockHttpServletResponse();
        try {
            filter.doFilter(request, response, chain);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return response;
    }
}
