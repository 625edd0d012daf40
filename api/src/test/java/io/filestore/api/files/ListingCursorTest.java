package io.filestore.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.api.files.ListingCursor.Listing;
import io.filestore.api.web.BadRequestException;
import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.ListingPosition;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ListingCursorTest {

    private final UserId alice = new UserId("alice");
    private final ListingPosition position = new ListingPosition(Instant.parse("2026-03-21T10:00:00.123456Z"),
            FileId.random());

    @Test
    void bringsItsPositionBackToTheListingAndUserItWasIssuedFor() {
        String cursor = ListingCursor.encode(Listing.TRASH, alice, position);

        assertThat(ListingCursor.isListingCursor(cursor)).isTrue();
        assertThat(cursor).matches("[A-Za-z0-9_.-]+");
        assertThat(ListingCursor.decode(cursor, Listing.TRASH, alice)).isEqualTo(position);
    }

    @Test
    void keepsInstantsBeforeTheEpochAndAtTheLimitsOfTheViews() {
        for (Instant at : new Instant[]{Instant.parse("1969-12-31T23:59:59.999999Z"),
                Instant.parse("9999-12-31T23:59:59.999999Z")}) {
            ListingPosition p = new ListingPosition(at, position.fileId());
            assertThat(ListingCursor.decode(ListingCursor.encode(Listing.FILES, alice, p), Listing.FILES, alice))
                    .isEqualTo(p);
        }
    }

    @Test
    void rejectsAnotherListingsOrAnotherUsersCursor() {
        String cursor = ListingCursor.encode(Listing.FILES, alice, position);

        assertRejected(() -> ListingCursor.decode(cursor, Listing.SHARED, alice));
        assertRejected(() -> ListingCursor.decode(cursor, Listing.FILES, new UserId("bob")));
    }

    @Test
    void rejectsEditedCutAndMadeUpCursors() {
        String cursor = ListingCursor.encode(Listing.FILES, alice, position);
        String payload = cursor.substring(3, cursor.indexOf('.', 3));
        String[] parts = new String(java.util.Base64.getUrlDecoder().decode(payload),
                java.nio.charset.StandardCharsets.UTF_8).split("\\|");
        parts[2] = String.valueOf(Long.parseLong(parts[2]) - 1); // one second earlier, check left as it was
        String edited = String.join("|", parts);
        String reencoded = "l1." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(edited.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + cursor.substring(cursor.indexOf('.', 3));

        for (String bad : new String[]{reencoded, cursor.substring(0, cursor.length() - 1), cursor + "A", "l1.",
                "l1..", "l1.%%%.AAAA", "l1." + "A".repeat(300), "", "eyJ2IjoyfQ", cursor.replace("l1.", "l2.")}) {
            assertRejected(() -> ListingCursor.decode(bad, Listing.FILES, alice));
        }
    }

    private static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable decode) {
        assertThatThrownBy(decode).isInstanceOf(BadRequestException.class)
                .satisfies(e -> assertThat(((BadRequestException) e).parameter()).isEqualTo("cursor"));
    }
}
