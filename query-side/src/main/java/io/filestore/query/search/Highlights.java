package io.filestore.query.search;

import java.util.BitSet;

/**
 * Carries Elasticsearch's highlights of {@code nameText} over to the file name. {@code nameText} has the name's
 * length with separators turned into spaces, so a match's offsets in one are its offsets in the other. The result
 * is the name HTML-escaped with matches in {@code <em>}, like Elasticsearch's html encoder produces.
 */
final class Highlights {

    private static final String OPEN = "<em>";
    private static final String CLOSE = "</em>";

    private Highlights() {
    }

    /** The highlighted name, or null when the fragment does not match the name (then nothing is highlighted). */
    static String onName(String name, String fragment) {
        BitSet marked = new BitSet(name.length());
        StringBuilder plain = new StringBuilder(name.length());
        boolean inside = false;
        int i = 0;
        while (i < fragment.length()) {
            if (fragment.startsWith(OPEN, i)) {
                inside = true;
                i += OPEN.length();
            } else if (fragment.startsWith(CLOSE, i)) {
                inside = false;
                i += CLOSE.length();
            } else {
                if (inside) {
                    marked.set(plain.length());
                }
                plain.append(fragment.charAt(i));
                i++;
            }
        }
        if (!plain.toString().equals(Words.separated(name))) {
            return null;
        }
        StringBuilder out = new StringBuilder(name.length() + 16);
        boolean open = false;
        for (int c = 0; c < name.length(); c++) {
            if (marked.get(c) && !open) {
                out.append(OPEN);
                open = true;
            } else if (!marked.get(c) && open) {
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
