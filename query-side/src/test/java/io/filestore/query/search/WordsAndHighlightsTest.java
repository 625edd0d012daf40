package io.filestore.query.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordsAndHighlightsTest {

    @Test
    void separatesWordsOnEveryNonLetterOrDigitKeepingTheLength() {
        String name = "annual_report-2024.final 📄.PDF";

        assertThat(Words.separated(name)).hasSameSizeAs(name).isEqualTo("annual report 2024 final    PDF");
        assertThat(Words.of(name)).containsExactly("annual", "report", "2024", "final", "pdf");
        assertThat(Words.of("Résumé 履歴書")).containsExactly("résumé", "履歴書");
        assertThat(Words.joined("___")).isEmpty();
    }

    @Test
    void carriesHighlightsOverToTheEscapedName() {
        assertThat(Highlights.onName("R&D <plan>.md", "R D  <em>plan</em>  md"))
                .isEqualTo("R&amp;D &lt;<em>plan</em>&gt;.md");
        assertThat(Highlights.onName("a_b.txt", "<em>a</em> <em>b</em> txt")).isEqualTo("<em>a</em>_<em>b</em>.txt");
    }

    @Test
    void ignoresAFragmentThatDoesNotFitTheName() {
        assertThat(Highlights.onName("a_b.txt", "<em>x</em> b txt")).isNull();
    }

    @Test
    void listsEveryAncestorFolder() {
        assertThat(FileState.ancestors("/")).containsExactly("/");
        assertThat(FileState.ancestors("/a/b/c")).containsExactly("/", "/a", "/a/b", "/a/b/c");
    }
}
