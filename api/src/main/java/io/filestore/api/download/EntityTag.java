package io.filestore.api.download;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An entity-tag as received in a conditional request field (RFC 9110 §8.8.3).
 *
 * @param opaque the characters between the quotes
 * @param weak   whether the tag carried the {@code W/} prefix
 */
public record EntityTag(String opaque, boolean weak) {

    /** §8.8.3.2 strong comparison: both strong and character-by-character equal. */
    boolean strongMatch(String strongTag) {
        return !weak && opaque.equals(strongTag);
    }

    /** §8.8.3.2 weak comparison: equal opaque tags, whatever either's weakness. */
    boolean weakMatch(String tag) {
        return opaque.equals(tag);
    }

    /** Whether {@code s} can be sent between quotes as an opaque-tag: one or more etagc, ASCII only. */
    static boolean isValidOpaqueTag(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isEtagc(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Exactly one entity-tag (as in If-Range), or empty when the value is not one. */
    static Optional<EntityTag> parseSingle(String fieldValue) {
        String value = RangeParser.stripOws(fieldValue);
        boolean weak = value.startsWith("W/");
        String quoted = weak ? value.substring(2) : value;
        if (quoted.length() < 2 || quoted.charAt(0) != '"' || quoted.charAt(quoted.length() - 1) != '"') {
            return Optional.empty();
        }
        String opaque = quoted.substring(1, quoted.length() - 1);
        return allEtagc(opaque) ? Optional.of(new EntityTag(opaque, weak)) : Optional.empty();
    }

    /**
     * The entity-tags of a {@code #entity-tag} list (If-Match, If-None-Match). Members that are not entity-tags
     * (unquoted, unterminated, with bad characters) are skipped: they can match nothing. Commas inside quotes are
     * part of the tag, as the grammar allows.
     */
    static List<EntityTag> parseList(String fieldValue) {
        return scan(fieldValue, false);
    }

    /**
     * The entity-tags of a {@code #entity-tag} list when every member is one (empty members, as the list syntax
     * allows, are skipped); empty when any member is not an entity-tag, so that a caller can refuse the field
     * instead of letting a typo match nothing.
     */
    public static Optional<List<EntityTag>> parseListStrictly(String fieldValue) {
        return Optional.ofNullable(scan(fieldValue, true));
    }

    /**
     * Scans a {@code #entity-tag} list. A member that is not an entity-tag makes a {@code strict} scan answer null;
     * otherwise it is skipped (an unterminated quote ends the list).
     */
    private static List<EntityTag> scan(String s, boolean strict) {
        List<EntityTag> tags = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            boolean weak = s.startsWith("W/", i);
            int quote = weak ? i + 2 : i;
            if (quote < n && s.charAt(quote) == '"') {
                int close = s.indexOf('"', quote + 1);
                if (close < 0) {
                    return strict ? null : tags;
                }
                String opaque = s.substring(quote + 1, close);
                i = close + 1;
                while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                    i++;
                }
                boolean endsMember = i == n || s.charAt(i) == ',';
                if (endsMember && allEtagc(opaque)) {
                    tags.add(new EntityTag(opaque, weak));
                    continue;
                }
                if (strict) {
                    return null;
                }
                if (endsMember) {
                    continue;
                }
            } else if (strict) {
                return null;
            }
            // Not an entity-tag: skip this member up to the next comma.
            int comma = s.indexOf(',', i);
            i = comma < 0 ? n : comma + 1;
        }
        return tags;
    }

    private static boolean allEtagc(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isEtagc(c) && !(c >= 0x80 && c <= 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /** etagc without obs-text: %x21 / %x23-7E. */
    private static boolean isEtagc(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x7E);
    }
}
