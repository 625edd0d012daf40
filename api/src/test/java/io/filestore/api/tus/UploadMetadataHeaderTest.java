package io.filestore.api.tus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UploadMetadataHeaderTest {

    @Test
    void parsesPairsAndKeysWithoutValues() {
        assertThat(UploadMetadataHeader.parse("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential"))
                .containsExactly(Map.entry("filename", "world_domination_plan.pdf"), Map.entry("is_confidential", ""));
    }

    @Test
    void roundTripsUnicode() {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put("filename", "Grüße – 日本.txt");
        pairs.put("flag", "");
        assertThat(UploadMetadataHeader.parse(UploadMetadataHeader.format(pairs))).isEqualTo(pairs);
    }

    @Test
    void rejectsDuplicateKeysBadBase64AndOversizedHeaders() {
        assertThatThrownBy(() -> UploadMetadataHeader.parse("k".repeat(UploadMetadataHeader.MAX_KEY_LENGTH + 1)
                + " YQ==")).as("key too long").isInstanceOf(TusException.class);
        assertThatThrownBy(() -> UploadMetadataHeader.parse("a\"b YQ==")).as("quote in a key")
                .isInstanceOf(TusException.class);
        assertThatThrownBy(() -> UploadMetadataHeader.parse("a;b YQ==")).as("separator in a key")
                .isInstanceOf(TusException.class);
        assertThatThrownBy(() -> UploadMetadataHeader.parse("\u00e4 YQ==")).as("non-ASCII key")
                .isInstanceOf(TusException.class);
        UploadMetadataHeader.parse("k".repeat(UploadMetadataHeader.MAX_KEY_LENGTH) + " YQ==,relative_Path.x-1 YQ==");
        assertThatThrownBy(() -> UploadMetadataHeader.parse("a YQ==,a Yg==")).isInstanceOf(TusException.class);
        assertThatThrownBy(() -> UploadMetadataHeader.parse("a !!!")).isInstanceOf(TusException.class);
        assertThatThrownBy(() -> UploadMetadataHeader.parse("a //8=")).as("not UTF-8").isInstanceOf(TusException.class);
        assertThatThrownBy(() -> UploadMetadataHeader.parse("a".repeat(UploadMetadataHeader.MAX_LENGTH + 1)))
                .isInstanceOf(TusException.class);
    }
}
