package io.filestore.query.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits file names and search texts into words the way the index does: every code point that is not a letter or
 * a digit separates words. Elasticsearch's standard tokenizer alone keeps {@code annual_report.pdf} as one token;
 * the minimal distribution has no other tokenizer or character filter, so the splitting happens here.
 */
final class Words {

    private Words() {
    }

    /** {@code text} with every UTF-16 unit of a non-letter/digit code point replaced by a space: same length. */
    static String separated(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int units = Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                out.appendCodePoint(cp);
            } else {
                out.append(" ".repeat(units));
            }
            i += units;
        }
        return out.toString();
    }

    /** The lowercase words of {@code text}, in order. */
    static List<String> of(String text) {
        List<String> words = new ArrayList<>();
        if (text == null) {
            return words;
        }
        for (String word : separated(text).split(" +")) {
            if (!word.isEmpty()) {
                words.add(word.toLowerCase(Locale.ROOT));
            }
        }
        return words;
    }

    /** The words of {@code text} joined by single spaces (empty when there are none). */
    static String joined(String text) {
        return String.join(" ", of(text));
    }
}
