package io.filestore.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.api.web.BadRequestException;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DigestsTest {

    private static final byte[] DIGEST = new byte[32];
    private static final String HEX = HexFormat.of().formatHex(DIGEST);
    private static final String B64 = Base64.getEncoder().encodeToString(DIGEST);

    @Test
    void readsTheSha256Member() {
        assertThat(Digests.structured("sha-256=:" + B64 + ":", "Repr-Digest")).isEqualTo(HEX);
        assertThat(Digests.structured("sha-512=:AAAA:, sha-256=:" + B64 + ":", "Repr-Digest")).isEqualTo(HEX);
        assertThat(Digests.structured(null, "Repr-Digest")).isNull();
    }

    @Test
    void refusesAFieldWithOnlyAlgorithmsThatAreNotChecked() {
        assertThatThrownBy(() -> Digests.structured("sha-512=:AAAA:", "Repr-Digest"))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("sha-512").hasMessageContaining("sha-256");
        assertThatThrownBy(() -> Digests.structured("md5=:AAAA:", "Content-Digest"))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("Content-Digest");
    }
}
