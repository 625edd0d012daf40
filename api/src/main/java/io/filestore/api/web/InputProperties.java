package io.filestore.api.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code filestore.input.*}: limits on values clients send. {@code max-expiry} is how far ahead a share, public link
 * or API token may expire (default 3650 days, about 10 years).
 */
@ConfigurationProperties("filestore.input")
public record InputProperties(@DefaultValue("3650d") Duration maxExpiry) {

    public InputProperties {
        if (maxExpiry.isNegative() || maxExpiry.isZero() || maxExpiry.compareTo(Duration.ofDays(365L * 1000)) > 0) {
            throw new IllegalArgumentException("filestore.input.max-expiry must be between 1s and 1000 years");
        }
    }
}
