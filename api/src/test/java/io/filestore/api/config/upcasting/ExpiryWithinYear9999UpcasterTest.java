package io.filestore.api.config.upcasting;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.PublicLinkCreatedEvent;
import io.filestore.command.api.Role;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.junit.jupiter.api.Test;

/** Old-revision payloads, as the event store holds them, read back through the upcaster chain and the serializer. */
class ExpiryWithinYear9999UpcasterTest {

    private static final String FILE = "b732f235-107f-42d4-bb22-85e93dcb6a21";
    private final Jackson3Serializer serializer = Jackson3Serializer.builder().build();
    private final EventUpcasterChain chain = new EventUpcasterChain(new ExpiryWithinYear9999Upcaster());

    private Object readBack(String type, String revision, String json) {
        GenericDomainEventEntry<byte[]> stored = new GenericDomainEventEntry<>("FileEntry", FILE, 3, "event-1",
                Instant.parse("2026-01-01T00:00:00Z"), type, revision, json.getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));
        List<IntermediateEventRepresentation> upcast = chain
                .upcast(Stream.of(new InitialEventRepresentation(stored, serializer))).toList();
        assertThat(upcast).hasSize(1);
        SerializedObject<?> data = upcast.get(0).getData();
        return serializer.deserialize(data);
    }

    private static String share(String expiresAt) {
        return "{\"fileId\":{\"value\":\"" + FILE + "\"},\"shareId\":\"s1\",\"grantee\":{\"value\":\"user:bob\"},"
                + "\"role\":\"EDITOR\",\"expiresAt\":" + expiresAt + ",\"by\":{\"value\":\"alice\"}}";
    }

    @Test
    void aRevision1ShareExpiringBeyondYear9999IsReadWithTheLatestExpiryAViewCanHold() {
        Object event = readBack(FileSharedEvent.class.getName(), "1", share("\"+1000000000-12-31T23:59:59Z\""));

        assertThat(event).isInstanceOf(FileSharedEvent.class);
        FileSharedEvent shared = (FileSharedEvent) event;
        assertThat(shared.expiresAt()).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
        assertThat(shared.role()).isEqualTo(Role.EDITOR);
        assertThat(shared.grantee().value()).isEqualTo("user:bob");
    }

    @Test
    void aRevision1LinkExpiringBeforeYear1IsReadAsExpiredInYear1() {
        String json = "{\"fileId\":{\"value\":\"" + FILE + "\"},\"shareId\":\"l1\",\"tokenHash\":{\"sha256\":\""
                + "03d85fdc92fc7500504b37f5e28d83d7c7acfe803ca1723304d6ec0c2a37b377\"},\"passwordHash\":null,"
                + "\"expiresAt\":\"-999999999-01-01T00:00:00Z\",\"maxDownloads\":3,\"by\":{\"value\":\"alice\"}}";
        PublicLinkCreatedEvent link = (PublicLinkCreatedEvent) readBack(PublicLinkCreatedEvent.class.getName(), "1",
                json);

        assertThat(link.expiresAt()).isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
        assertThat(link.maxDownloads()).isEqualTo(3);
    }

    @Test
    void ordinaryAndMissingExpiriesAndNewRevisionsAreLeftAsTheyAre() {
        assertThat(((FileSharedEvent) readBack(FileSharedEvent.class.getName(), "1",
                share("\"2030-05-01T10:00:00Z\""))).expiresAt()).isEqualTo(Instant.parse("2030-05-01T10:00:00Z"));
        assertThat(((FileSharedEvent) readBack(FileSharedEvent.class.getName(), "1", share("null"))).expiresAt())
                .isNull();
        // revision 2 is not touched by this upcaster (requests keep its expiries in range)
        assertThat(((FileSharedEvent) readBack(FileSharedEvent.class.getName(), "2",
                share("\"+10000-01-01T00:00:00Z\""))).expiresAt()).isEqualTo(Instant.parse("+10000-01-01T00:00:00Z"));
    }
}
