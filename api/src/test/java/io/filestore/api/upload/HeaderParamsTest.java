package io.filestore.api.upload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderParamsTest {

    @Test
    void keepsTheUnescapedBackslashesOfAWindowsPath() {
        assertThat(HeaderParams.filename("form-data; name=\"file\"; filename=\"C:\\Users\\me\\a.txt\""))
                .isEqualTo("C:\\Users\\me\\a.txt");
    }

    @Test
    void unescapesQuotesAndBackslashPairs() {
        assertThat(HeaderParams.filename("attachment; filename=\"say \\\"hi\\\".txt\"")).isEqualTo("say \"hi\".txt");
        assertThat(HeaderParams.filename("attachment; filename=\"a\\\\b.txt\"")).isEqualTo("a\\b.txt");
    }
}
