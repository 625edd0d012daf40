package io.filestore.api.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code filestore.security.*}.
 *
 * @param trustedHeader       when set (e.g. {@code X-User-Id}), a request carrying this header is authenticated as
 *                            the user it names without a password: only for running behind a trusted gateway
 *                            that sets it; off (empty) by default
 * @param adminUser           the system administrator created at first start when no user exists
 * @param adminPassword       its password; empty means one is generated and printed once on the console
 * @param credentialCacheTtl  how long a verified password is remembered (bcrypt is deliberately slow)
 * @param tokenMaxLifetime    the longest lifetime an API token may be given
 * @param jwt                 an external identity provider whose JWT access tokens are accepted as Bearer tokens
 */
@ConfigurationProperties("filestore.security")
public record SecurityProperties(
        @DefaultValue("") String trustedHeader,
        @DefaultValue("admin") String adminUser,
        @DefaultValue("") String adminPassword,
        @DefaultValue("60s") Duration credentialCacheTtl,
        @DefaultValue("365d") Duration tokenMaxLifetime,
        @DefaultValue Jwt jwt) {

    /**
     * {@code filestore.security.jwt.*}: OIDC/JWT resource-server mode, off unless {@code jwk-set-uri} or
     * {@code public-key-location} is set. The user id is taken from {@code user-claim}; a token whose
     * {@code roles-claim} (a list or a space-separated string) holds {@code admin-role} is a system administrator,
     * and {@code groups-claim} supplies group memberships.
     */
    public record Jwt(@DefaultValue("") String jwkSetUri, @DefaultValue("") String publicKeyLocation,
                      @DefaultValue("") String issuer, @DefaultValue("") String audience,
                      @DefaultValue("sub") String userClaim, @DefaultValue("roles") String rolesClaim,
                      @DefaultValue("filestore-admin") String adminRole, @DefaultValue("groups") String groupsClaim) {

        public boolean enabled() {
            return !jwkSetUri.isBlank() || !publicKeyLocation.isBlank();
        }
    }

    public boolean trustsHeader() {
        return trustedHeader != null && !trustedHeader.isBlank();
    }
}
