package io.filestore.api.download;

import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ContentDispositionHeaderTest {

    @Test
    void sendsPlainAsciiNameInBothForms() {
        assertThat(ContentDispositionHeader.attachment("report-2025.pdf"))
                .isEqualTo("attachment; filename=\"report-2025.pdf\"; filename*=UTF-8''report-2025.pdf");
    }

    @Test
    void keepsUnicodeInExtendedFormOnly() {
        assertThat(ContentDispositionHeader.attachment("Grüße 日本.txt"))
                .isEqualTo("attachment; filename=\"Gr__e __.txt\"; "
                        + "filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%E6%97%A5%E6%9C%AC.txt");
    }

    @Test
    void replacesEachNonBmpCharacterWithOneUnderscore() {
        assertThat(ContentDispositionHeader.asciiFallback("a\uD83D\uDE00b")).isEqualTo("a_b");
        assertThat(ContentDispositionHeader.encodeExtValue("a\uD83D\uDE00b")).isEqualTo("a%F0%9F%98%80b");
    }

    @Test
    void neutralisesQuotesAndBackslashesInFallback() {
        String value = ContentDispositionHeader.attachment("say \"hi\"\\.txt");
        assertThat(value).startsWith("attachment; filename=\"say _hi__.txt\"; ");
        assertThat(value).endsWith("filename*=UTF-8''say%20%22hi%22_.txt");
    }

    @Test
    void turnsPathTraversalIntoAPlainName() {
        assertThat(ContentDispositionHeader.attachment("../../etc/passwd"))
                .isEqualTo("attachment; filename=\".._.._etc_passwd\"; filename*=UTF-8''.._.._etc_passwd");
        assertThat(ContentDispositionHeader.attachment("..\\..\\boot.ini"))
                .isEqualTo("attachment; filename=\".._.._boot.ini\"; filename*=UTF-8''.._.._boot.ini");
    }

    @Test
    void replacesControlCharactersSoTheHeaderCannotBeSplit() {
        String value = ContentDispositionHeader.attachment("a\r\nSet-Cookie: x=1\u0000\u007f\u0085.txt");
        assertThat(value).isEqualTo("attachment; filename=\"a__Set-Cookie: x=1___.txt\"; "
                + "filename*=UTF-8''a__Set-Cookie%3A%20x%3D1___.txt");
        assertThat(value).doesNotContain("\r", "\n", "\u0000");
    }

    @Test
    void replacesPercentInFallbackAndEncodesItInExtendedForm() {
        assertThat(ContentDispositionHeader.attachment("100%25.txt"))
                .isEqualTo("attachment; filename=\"100_25.txt\"; filename*=UTF-8''100%2525.txt");
    }

    @Test
    void replacesBidiOverridesThatDisguiseExtensions() {
        assertThat(ContentDispositionHeader.encodeExtValue("invoice\u202Etxt.exe")).isEqualTo("invoice_txt.exe");
    }

    @Test
    void replacesLoneSurrogates() {
        assertThat(ContentDispositionHeader.encodeExtValue("a\uD800b")).isEqualTo("a_b");
    }

    @Test
    void namesEmptyFilenameDownload() {
        assertThat(ContentDispositionHeader.attachment(""))
                .isEqualTo("attachment; filename=\"download\"; filename*=UTF-8''download");
    }

    @Test
    void producesOnlyPrintableAsciiThatDecodesBackToTheName() {
        String name = "ünïcødé «quoted» 'name' (1) [x] {y} @ & = + ~.tar.gz";
        String value = ContentDispositionHeader.attachment(name);
        assertThat(value.chars()).allMatch(c -> c >= 0x20 && c < 0x7F);
        String encoded = value.substring(value.indexOf("filename*=UTF-8''") + "filename*=UTF-8''".length());
        assertThat(URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8)).isEqualTo(name);
    }
}
