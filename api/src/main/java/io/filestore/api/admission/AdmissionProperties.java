package io.filestore.api.admission;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code filestore.upload-admission.*} and {@code filestore.http.*}: how many content uploads run at once, how many
 * wait, and the connector's socket buffers.
 *
 * @param maxConcurrent  upload requests (one-piece, new version, tus creation and PATCH) that stream content at once
 * @param maxQueued      upload requests that wait for a slot; one more is answered 503 with Retry-After at once
 * @param queueTimeout   the longest a request waits for a slot before it is answered 503 with Retry-After
 * @param retryAfter     the Retry-After of those 503 answers
 */
@ConfigurationProperties("filestore.upload-admission")
public record AdmissionProperties(
        @DefaultValue("16") int maxConcurrent,
        @DefaultValue("4096") int maxQueued,
        @DefaultValue("60s") Duration queueTimeout,
        @DefaultValue("5s") Duration retryAfter) {

    public AdmissionProperties {
        if (maxConcurrent < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("filestore.upload-admission.max-concurrent must be >= 1 and "
                    + "max-queued >= 0");
        }
    }

    /**
     * {@code filestore.http.*}: Tomcat's per-connection socket buffers.
     *
     * @param socketReadBuffer  the application read buffer of a connection (Tomcat's default 8KB makes uploads cost
     *                          many more system calls)
     * @param socketWriteBuffer the application write buffer of a connection
     */
    @ConfigurationProperties("filestore.http")
    public record HttpProperties(
            @DefaultValue("64KB") DataSize socketReadBuffer,
            @DefaultValue("64KB") DataSize socketWriteBuffer) {
    }
}
