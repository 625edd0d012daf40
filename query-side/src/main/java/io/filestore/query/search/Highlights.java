package io.filestore.query.search;

import java.util.List;
import java.util.Locale;

/**
 * Highlights the words of a file name that a search text matches, the way the name query matches them: the same
 * word, the last search word as a prefix (search as you type), or a word within the typo tolerance (from 5
 * letters, first letter fixed, 1 edit below 8 letters and 2 from 8, a swap of neighbours counting as one edit).
 * Done here rather than by Elasticsearch's highlighter, whose fuzzy and wildcard highlight queries cost several
 * times the search itself. The result is the name HTML-escaped with matches in {@code <em>}, like Elasticsearch's
 * html encoder produces for the description.
 */
final class Highlights {

    private static final String OPEN = "<em>";
    private static final String CLOSE = "</em>";

    private Highlights() {
    }

    /** The highlighted name, or null when no word of it matches. */
    static String name(String name, String text) {
        List<String> words = Words.of(text);
        if (words.isEmpty()) {
            return null;
        }
        String separated = Words.separated(name);
        boolean[] marked = new boolean[name.length()];
        boolean any = false;
        int i = 0;
        while (i < separated.length()) {
            if (separated.charAt(i) == ' ') {
                i++;
                continue;
            }
            int end = separated.indexOf(' ', i);
            end = end < 0 ? separated.length() : end;
            String token = separated.substring(i, end).toLowerCase(Locale.ROOT);
            if (matches(token, words)) {
                for (int c = i; c < end; c++) {
                    marked[c] = true;
                }
                any = true;
            }
            i = end;
        }
        if (!any) {
            return null;
        }
        StringBuilder out = new StringBuilder(name.length() + 16);
        boolean open = false;
        for (int c = 0; c < name.length(); c++) {
            if (marked[c] && !open) {
                out.append(OPEN);
                open = true;
            } else if (!marked[c] && open) {
                out.append(CLOSE);
                open = false;
            }
            escape(out, name.charAt(c));
        }
        if (open) {
            out.append(CLOSE);
        }
        return out.toString();
    }

    static boolean matches(String token, List<String> words) {
        for (int w = 0; w < words.size(); w++) {
            String word = words.get(w);
            if (token.equals(word) || (w == words.size() - 1 && token.startsWith(word))) {
                return true;
            }
            int allowed = word.length() >= 8 ? 2 : word.length() >= 5 ? 1 : 0;
            if (allowed > 0 && token.charAt(0) == word.charAt(0)
                    && Math.abs(token.length() - word.length()) <= allowed && distance(token, word) <= allowed) {
                return true;
            }
        }
        return false;
    }

    /** Edit distance where inserting, deleting or replacing a character, or swapping two neighbours, costs one. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static void escape(StringBuilder out, char c) {
        switch (c) {
            case '&' -> out.append("&amp;");
            case '<' -> out.append("&lt;");
            case '>' -> out.append("&gt;");
            case '"' -> out.append("&quot;");
            case '\'' -> out.append("&#x27;");
            case '/' -> out.append("&#x2F;");
            default -> out.append(c);
        }
    }
}
