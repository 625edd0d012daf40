package io.filestore.api.cdn;

import io.filestore.api.files.FileUrls;
import io.filestore.api.share.LinkUrls;
import io.filestore.api.web.Caller;
import io.filestore.command.api.Actor;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.Grant;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Issues delivery URLs: picks the grant through which a caller reads a file (owner, system administrator, or the
 * share with the latest expiry), rounds the expiry up to the window, caps it at the grant's own expiry (so a share's
 * or link's expiry needs no purge: no URL outlives it) and signs. When {@code filestore.cdn.base-url} is set it also
 * computes the {@code url} of file answers and public links ({@link FileUrls}, {@link LinkUrls}).
 */
public class DeliveryUrls {

    /** An issued URL and the instant it stops working. */
    public record Issued(String url, Instant expiresAt) {
    }

    /** A grant and its end (null: none of its own). */
    public record GrantChoice(String grant, Instant expiresAt) {
    }

    private final CdnProperties properties;
    private final SigningKeys keys;
    private final CloudFrontSigner cloudFront;

    /** @param cloudFront signs URLs on the CDN for CloudFront too, or null */
    public DeliveryUrls(CdnProperties properties, SigningKeys keys, CloudFrontSigner cloudFront) {
        this.properties = properties;
        this.keys = keys;
        this.cloudFront = properties.baseUrl() != null ? cloudFront : null;
    }

    /** Installs the computation of file answers' and links' {@code url} when a CDN base URL is configured. */
    public void installAnswerUrls() {
        if (properties.baseUrl() == null) {
            return;
        }
        FileUrls.install((fileId, version, permissions) -> currentActor()
                .flatMap(actor -> grantOf(permissions, actor, Instant.now()))
                .map(grant -> issue(fileId, version, grant, properties.urlLifetime()).url())
                .orElse(null));
        LinkUrls.install((fileId, version, shareId, expiresAt, limited) -> limited ? null
                : issue(fileId, version, new GrantChoice("l." + shareId, expiresAt), properties.urlLifetime()).url());
    }

    public void uninstallAnswerUrls() {
        if (properties.baseUrl() != null) {
            FileUrls.install(null);
            LinkUrls.install(null);
        }
    }

    public Issued issue(FileId fileId, int version, GrantChoice grant, Duration lifetime) {
        Instant expiresAt = DeliverySigner.expiry(Instant.now(), lifetime, properties.expiryWindow(),
                grant.expiresAt());
        String path = keys.signer().sign(fileId.value(), version, grant.grant(), expiresAt);
        String url = properties.deliveryBase() + path;
        return new Issued(cloudFront != null ? cloudFront.sign(url, expiresAt) : url, expiresAt);
    }

    /** The grant through which {@code actor} reads the file at {@code now}, empty when they may not read it. */
    public static Optional<GrantChoice> grantOf(FilePermissions permissions, Actor actor, Instant now) {
        if (actor.userId().equals(permissions.owner())) {
            return Optional.of(new GrantChoice("o", null));
        }
        if (actor.systemAdmin()) {
            return Optional.of(new GrantChoice("a", null));
        }
        GrantChoice best = null;
        java.util.Set<String> names = actor.grantees();
        for (Grant grant : permissions.grants()) {
            if (!grant.activeAt(now) || !names.contains(grant.grantee().value())
                    || !DeliverySigner.GRANT.matcher("s." + grant.shareId()).matches()) {
                continue;
            }
            if (best == null || (best.expiresAt() != null
                    && (grant.expiresAt() == null || grant.expiresAt().isAfter(best.expiresAt())))) {
                best = new GrantChoice("s." + grant.shareId(), grant.expiresAt());
            }
        }
        return Optional.ofNullable(best);
    }

    private static Optional<Actor> currentActor() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.isAuthenticated()
                && authentication.getPrincipal() instanceof Caller caller) {
            return Optional.of(caller.actor());
        }
        return Optional.empty();
    }
}
