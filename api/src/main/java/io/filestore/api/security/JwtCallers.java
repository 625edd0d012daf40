package io.filestore.api.security;

import io.filestore.api.web.Caller;
import io.filestore.command.api.UserId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;

/**
 * Callers from an external identity provider's JWT access tokens (signature, expiry, and when configured issuer
 * and audience are checked). Off unless {@code filestore.security.jwt} names a JWK set or a public key.
 */
@Component
public class JwtCallers {

    private static final Logger log = LoggerFactory.getLogger(JwtCallers.class);

    private final SecurityProperties.Jwt settings;
    private final JwtDecoder decoder;

    public JwtCallers(SecurityProperties properties) {
        this.settings = properties.jwt();
        this.decoder = settings.enabled() ? decoder(settings) : null;
        if (decoder != null) {
            log.info("accepting JWT bearer tokens ({})", settings.jwkSetUri().isBlank()
                    ? "public key " + settings.publicKeyLocation() : "JWK set " + settings.jwkSetUri());
        }
    }

    public boolean enabled() {
        return decoder != null;
    }

    public Optional<Caller> byJwt(String token) {
        if (decoder == null) {
            return Optional.empty();
        }
        try {
            Jwt jwt = decoder.decode(token);
            String subject = jwt.getClaimAsString(settings.userClaim());
            if (subject == null) {
                return Optional.empty();
            }
            UserId userId = new UserId(subject);
            boolean admin = strings(jwt.getClaim(settings.rolesClaim())).contains(settings.adminRole());
            Set<String> groups = new HashSet<>(strings(jwt.getClaim(settings.groupsClaim())));
            groups.removeIf(g -> !g.matches("[A-Za-z0-9._@+\\-]{1,128}"));
            return Optional.of(new Caller(userId, admin, groups));
        } catch (JwtException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static List<String> strings(Object claim) {
        if (claim instanceof Collection<?> values) {
            List<String> list = new ArrayList<>();
            values.forEach(v -> list.add(String.valueOf(v)));
            return list;
        }
        if (claim instanceof String value) {
            return List.of(value.split("\\s+"));
        }
        return List.of();
    }

    private static JwtDecoder decoder(SecurityProperties.Jwt settings) {
        NimbusJwtDecoder decoder = settings.jwkSetUri().isBlank()
                ? NimbusJwtDecoder.withPublicKey(publicKey(Path.of(settings.publicKeyLocation()))).build()
                : NimbusJwtDecoder.withJwkSetUri(settings.jwkSetUri()).build();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(settings.issuer().isBlank() ? JwtValidators.createDefault()
                : JwtValidators.createDefaultWithIssuer(settings.issuer()));
        if (!settings.audience().isBlank()) {
            validators.add(jwt -> jwt.getAudience() != null && jwt.getAudience().contains(settings.audience())
                    ? OAuth2TokenValidatorResult.success()
                    : OAuth2TokenValidatorResult.failure(new org.springframework.security.oauth2.core.OAuth2Error(
                            "invalid_token", "wrong audience", null)));
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    private static RSAPublicKey publicKey(Path pem) {
        try {
            String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read filestore.security.jwt.public-key-location " + pem, e);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("filestore.security.jwt.public-key-location is not an RSA public key (PEM)", e);
        }
    }
}
