package io.filestore.command.api;

import java.util.Locale;
import java.util.Set;

/**
 * The rules for text a user sends, in one place. Commands apply them in their compact constructors, so a value
 * that breaks them never becomes an event; event records and the value types inside them do not, so tightening a
 * rule here never makes an old event unreadable.
 *
 * <ul>
 *   <li><b>Free text</b> (descriptions, attribute values, change logs, display names, token names): valid Unicode
 *       (no unpaired surrogate, so it encodes as valid UTF-8), no C0 or C1 control character except tab and line
 *       feed, no noncharacter ({@code U+FFFE}, {@code U+FFFF}, ...).</li>
 *   <li><b>Names</b> (file names, folder segments): free text without tab or line feed, without format characters
 *       (bidi overrides such as {@code U+202E}, zero-width spaces, {@code U+FEFF}; zero-width joiner and non-joiner
 *       stay allowed, scripts and emoji need them), without line or paragraph separators, not ending in a dot or a
 *       space, and not a Windows device name ({@code CON}, {@code PRN}, {@code AUX}, {@code NUL}, {@code COM0-9},
 *       {@code LPT0-9}, with or without an extension: {@code NUL.txt}).</li>
 * </ul>
 */
public final class InputRules {

    private static final Set<String> DEVICE_NAMES = Set.of("CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$");

    private InputRules() {
    }

    /** {@code value} unchanged if it is acceptable free text (null is), else an {@link InvalidValueException}. */
    public static String freeText(String field, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            String problem = textProblem(cp);
            if (problem != null) {
                throw new InvalidValueException(field, problem + " at position " + i);
            }
            if (Character.isISOControl(cp) && cp != '\t' && cp != '\n') {
                throw new InvalidValueException(field, "must not contain the control character "
                        + codePoint(cp) + " (only tab and line feed are allowed)");
            }
            i += Character.charCount(cp);
        }
        return value;
    }

    /** {@code value} unchanged if it is an acceptable name (null is), else an {@link InvalidValueException}. */
    public static String name(String field, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            String problem = textProblem(cp);
            if (problem != null) {
                throw new InvalidValueException(field, problem + " at position " + i);
            }
            if (Character.isISOControl(cp)) {
                throw new InvalidValueException(field, "must not contain the control character " + codePoint(cp));
            }
            int type = Character.getType(cp);
            if ((type == Character.FORMAT && cp != 0x200C && cp != 0x200D)
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                throw new InvalidValueException(field, "must not contain the invisible or direction-changing character "
                        + codePoint(cp));
            }
            i += Character.charCount(cp);
        }
        if (value.endsWith(".") && !value.equals(".") && !value.equals("..")) {
            throw new InvalidValueException(field, "must not end with a dot");
        }
        if (value.endsWith(" ")) {
            throw new InvalidValueException(field, "must not end with a space");
        }
        if (isDeviceName(value)) {
            throw new InvalidValueException(field, "must not be a reserved device name (CON, PRN, AUX, NUL, COM1, LPT1, ...)");
        }
        return value;
    }

    /** A folder path's segments are names: {@code /a/CON/b} is refused like a file named {@code CON}. */
    public static String folder(String field, String value) {
        if (value == null) {
            return null;
        }
        freeText(field, value);
        for (String segment : value.split("/", -1)) {
            if (!segment.isEmpty()) {
                name(field, segment);
            }
        }
        return value;
    }

    /** Checks the free-text parts of a metadata patch: description, tags, folder, attribute values. */
    public static MetadataPatch metadata(MetadataPatch patch) {
        if (patch == null) {
            return null;
        }
        freeText("description", patch.description());
        if (patch.tags() != null) {
            for (String tag : patch.tags()) {
                freeText("tags", tag);
            }
        }
        folder("folder", patch.folder());
        if (patch.attributes() != null) {
            patch.attributes().forEach((key, value) -> freeText("attributes." + key, value));
        }
        return patch;
    }

    /** Checks the free-text parts of complete metadata (an upload's). */
    public static FileMetadata metadata(FileMetadata metadata) {
        if (metadata != null) {
            metadata(new MetadataPatch(metadata.description(), metadata.tags(), metadata.folder(),
                    metadata.attributes()));
        }
        return metadata;
    }

    /** {@code CON}, {@code nul.txt}, {@code COM1.tar.gz}, {@code LPT9 .log}: names Windows reserves for devices. */
    static boolean isDeviceName(String value) {
        int dot = value.indexOf('.');
        String stem = (dot < 0 ? value : value.substring(0, dot)).stripTrailing().toUpperCase(Locale.ROOT);
        if (DEVICE_NAMES.contains(stem)) {
            return true;
        }
        if (stem.length() == 4 && (stem.startsWith("COM") || stem.startsWith("LPT"))) {
            char n = stem.charAt(3);
            return (n >= '0' && n <= '9') || n == '\u00B9' || n == '\u00B2' || n == '\u00B3';
        }
        return false;
    }

    private static String textProblem(int cp) {
        if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
            return "must be valid Unicode (an unpaired surrogate cannot be encoded as UTF-8)";
        }
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
            return "must not contain the noncharacter " + codePoint(cp);
        }
        return null;
    }

    private static String codePoint(int cp) {
        return String.format(Locale.ROOT, "U+%04X", cp);
    }
}
