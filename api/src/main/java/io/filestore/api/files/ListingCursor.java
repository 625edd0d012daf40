package io.filestore.api.files;

import io.filestore.api.web.BadRequestException;
import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.ListingPosition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * The {@code cursor} of the plain listings ({@code GET /api/files}, {@code /api/trash}, {@code /api/files/shared}):
 * a {@link ListingPosition} as an opaque URL-safe string, {@code l1.<payload>.<check>}. The payload names the
 * listing and (as a hash) the caller it was issued to, so a cursor sent to another listing or by another user is a
 * 400 instead of a page of something else; the check (a truncated SHA-256 of the payload) makes a cut or edited
 * cursor a 400 too. It is not a signature and needs none: every page is read within the caller's own files (or the
 * files shared with the caller), so a forged position can only start the caller's own listing somewhere else.
 * Search cursors are base64url without dots, so {@link #isListingCursor} tells the two apart.
 */
public final class ListingCursor {

    /** The listing a cursor belongs to. */
    public enum Listing {
        FILES, TRASH, SHARED;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final String PREFIX = "l1.";
    private static final int MAX_LENGTH = 256;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private ListingCursor() {
    }

    /** Whether {@code value} is a cursor of a plain listing (rather than, say, a search cursor). */
    public static boolean isListingCursor(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    public static String encode(Listing listing, UserId caller, ListingPosition position) {
        Instant at = position.at();
        String payload = listing.code() + "|" + callerTag(caller) + "|" + at.getEpochSecond() + "|" + at.getNano()
                + "|" + position.fileId().value();
        return PREFIX + ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + check(payload);
    }

    /** The position in {@code cursor}; a 400 on "cursor" unless it is a cursor of {@code listing} for {@code caller}. */
    public static ListingPosition decode(String cursor, Listing listing, UserId caller) {
        if (cursor == null || cursor.length() > MAX_LENGTH || !cursor.startsWith(PREFIX)) {
            throw invalid();
        }
        String rest = cursor.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot < 0) {
            throw invalid();
        }
        String payload;
        try {
            payload = new String(DECODER.decode(rest.substring(0, dot)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (!MessageDigest.isEqual(check(payload).getBytes(StandardCharsets.US_ASCII),
                rest.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
            throw invalid();
        }
        String[] parts = payload.split("\\|", -1);
        if (parts.length != 5) {
            throw invalid();
        }
        if (!parts[0].equals(listing.code())) {
            throw new BadRequestException("cursor", "the cursor belongs to another listing (" + parts[0] + ")");
        }
        if (!parts[1].equals(callerTag(caller))) {
            throw new BadRequestException("cursor", "the cursor was issued to another user");
        }
        try {
            Instant at = Instant.ofEpochSecond(Long.parseLong(parts[2]), Long.parseLong(parts[3]));
            return new ListingPosition(at, new FileId(parts[4]));
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw invalid(); // a number that is none, an instant out of range, a file id that is no UUID
        }
    }

    private static String callerTag(UserId caller) {
        return ENCODER.encodeToString(java.util.Arrays.copyOf(sha256("caller|" + caller.value()), 9));
    }

    private static String check(String payload) {
        return ENCODER.encodeToString(java.util.Arrays.copyOf(sha256("filestore listing cursor|" + payload), 12));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static BadRequestException invalid() {
        return new BadRequestException("cursor", "cursor is not a cursor this service issued");
    }
}
