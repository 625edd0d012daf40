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
    void highlightsMatchingNameWordsEscaped() {
        assertThat(Highlights.name("R&D <plan>.md", "plan")).isEqualTo("R&amp;D &lt;<em>plan</em>&gt;.md");
        assertThat(Highlights.name("annual_report_2024.pdf", "anual rep"))
                .isEqualTo("<em>annual</em>_<em>report</em>_2024.pdf");
        assertThat(Highlights.name("Quarterly Report.docx", "quartelry")).isEqualTo("<em>Quarterly</em> Report.docx");
        assertThat(Highlights.name("a_b.txt", "zzz")).isNull();
    }

    @Test
    void highlightsOnlyWhatTheSearchMatches() {
        assertThat(Highlights.name("notes.txt", "nots")).isNull(); // 4 letters: no typo tolerance
        assertThat(Highlights.name("report.pdf", "rep x")).isNull(); // only the last word is a prefix
        assertThat(Highlights.name("report.pdf", "xeport")).isNull(); // the first letter is never a typo
        assertThat(Highlights.distance("report", "reprot")).isEqualTo(1);
        assertThat(Highlights.distance("kilimanjaro", "kilimanjaor")).isEqualTo(1);
        assertThat(Highlights.distance("abc", "xyz")).isEqualTo(3);
    }

    @Test
    void listsEveryAncestorFolder() {
        assertThat(FileState.ancestors("/")).containsExactly("/");
        assertThat(FileState.ancestors("/a/b/c")).containsExactly("/", "/a", "/a/b", "/a/b/c");
    }
}
