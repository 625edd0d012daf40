package io.filestore.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.api.web.BadRequestException;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.ExpectedState;
import java.util.List;
import org.junit.jupiter.api.Test;

class IfMatchTest {

    private static final String HEX = "ab".repeat(32);
    private static final BlobId BLOB = new BlobId(HEX);
    private static final BlobId OTHER = new BlobId("cd".repeat(32));

    @Test
    void noFieldIsNoPrecondition() {
        assertThat(IfMatch.parse(List.of())).isNull();
    }

    @Test
    void readsTheRevisionTheContentAndTheVersion() {
        assertThat(IfMatch.parse("\"r7\"").matches(2, OTHER, 7)).isTrue();
        assertThat(IfMatch.parse("\"r7\"").matches(2, OTHER, 8)).isFalse();
        assertThat(IfMatch.parse("\"" + HEX + "\"").matches(2, BLOB, 8)).isTrue();
        assertThat(IfMatch.parse("\"sha256:" + HEX + "\"").matches(2, OTHER, 8)).isFalse();
        assertThat(IfMatch.parse("\"v2\"").matches(2, OTHER, 8)).isTrue();
        assertThat(IfMatch.parse("\"v3\"").matches(2, OTHER, 8)).isFalse();
    }

    @Test
    void aWellFormedTagNamingNothingMatchesNothing() {
        assertThat(IfMatch.parse("\"xyzzy\"").matches(1, BLOB, 0)).isFalse();
        assertThat(IfMatch.parse("\"\"").matches(1, BLOB, 0)).isFalse();
    }

    @Test
    void aWeakTagNeverMatches() {
        assertThat(IfMatch.parse("W/\"r7\"").matches(1, BLOB, 7)).isFalse();
    }

    @Test
    void aListMatchesIfAnyMemberDoesOverSeveralLines() {
        assertThat(IfMatch.parse("\"xyzzy\", \"r7\"").matches(1, BLOB, 7)).isTrue();
        assertThat(IfMatch.parse(List.of("\"xyzzy\"", "\"r7\"")).matches(1, BLOB, 7)).isTrue();
        assertThat(IfMatch.parse("\"r6\", W/\"r7\"").matches(1, BLOB, 7)).isFalse();
    }

    @Test
    void aStarMatchesAnyExistingFile() {
        assertThat(IfMatch.parse("*")).isEqualTo(ExpectedState.ANY);
        assertThat(IfMatch.parse("*").matches(4, OTHER, 99)).isTrue();
    }

    @Test
    void keepsAcceptingASingleUnquotedVersionOrDigest() {
        assertThat(IfMatch.parse("v2").matches(2, OTHER, 0)).isTrue();
        assertThat(IfMatch.parse(HEX).matches(1, BLOB, 0)).isTrue();
    }

    @Test
    void refusesAFieldThatIsNotAListOfEntityTags() {
        assertThatThrownBy(() -> IfMatch.parse("xyzzy")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> IfMatch.parse("\"a\", b")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> IfMatch.parse("\"open")).isInstanceOf(BadRequestException.class);
    }
}
