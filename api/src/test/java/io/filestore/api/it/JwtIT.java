package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The OIDC/JWT resource-server mode: an external identity provider's signed access tokens are callers. */
class JwtIT {

    private final RunningApp app = RunningApp.get();
    private final Api http = new Api("unused");

    private static String jwt(PrivateKey key, String issuer, String subject, List<String> roles, Instant expires)
            throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                .issuer(issuer).subject(subject).claim("roles", roles).claim("groups", List.of("idp-team"))
                .issueTime(new Date()).expirationTime(Date.from(expires)).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private HttpResponse<String> me(String token) {
        return http.send(HttpRequest.newBuilder(app.uri("/api/me")).header("Authorization", "Bearer " + token)
                .GET().build());
    }

    @Test
    void acceptsValidTokensOfTheConfiguredIssuerOnly() throws Exception {
        PrivateKey key = RunningApp.JWT_KEYS.getPrivate();
        String subject = "oidc-" + UUID.randomUUID().toString().substring(0, 8);
        Instant later = Instant.now().plusSeconds(300);

        HttpResponse<String> valid = me(jwt(key, RunningApp.JWT_ISSUER, subject, List.of(), later));
        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(data(valid).get("userId").asString()).isEqualTo(subject);
        assertThat(data(valid).get("systemAdmin").asBoolean()).isFalse();
        assertThat(data(valid).get("groups").toString()).contains("idp-team");

        HttpResponse<String> admin = me(jwt(key, RunningApp.JWT_ISSUER, subject, List.of("filestore-admin"), later));
        assertThat(data(admin).get("systemAdmin").asBoolean()).isTrue();

        assertThat(me(jwt(key, "https://other-issuer.invalid", subject, List.of(), later)).statusCode()).isEqualTo(401);
        assertThat(me(jwt(key, RunningApp.JWT_ISSUER, subject, List.of(), Instant.now().minusSeconds(600)))
                .statusCode()).isEqualTo(401);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        assertThat(me(jwt(generator.generateKeyPair().getPrivate(), RunningApp.JWT_ISSUER, subject, List.of(), later))
                .statusCode()).as("signed by someone else").isEqualTo(401);
    }
}
