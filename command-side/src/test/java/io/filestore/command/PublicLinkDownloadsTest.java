package io.filestore.command;

import io.filestore.command.api.CountLinkDownloadCommand;
import io.filestore.command.api.FileId;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.LinkDownloadLimitReachedException;
import io.filestore.command.api.PublicLinkDownloadCountedEvent;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PublicLinkDownloadsTest {

    private static final String SHARE = "share-0001";
    private final FileId file = FileId.random();
    private AggregateTestFixture<PublicLinkDownloads> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(PublicLinkDownloads.class);
    }

    @Test
    void countsTheFirstDownloadOfALink() {
        fixture.givenNoPriorActivity()
                .when(CountLinkDownloadCommand.of(SHARE, file, 2))
                .expectEvents(new PublicLinkDownloadCountedEvent(SHARE, file, 1))
                .expectResultMessagePayload(1);
    }

    @Test
    void countsUpToTheLimit() {
        fixture.given(new PublicLinkDownloadCountedEvent(SHARE, file, 1))
                .when(CountLinkDownloadCommand.of(SHARE, file, 2))
                .expectEvents(new PublicLinkDownloadCountedEvent(SHARE, file, 2))
                .expectResultMessagePayload(2);
    }

    @Test
    void refusesADownloadPastTheLimit() {
        fixture.given(new PublicLinkDownloadCountedEvent(SHARE, file, 1),
                        new PublicLinkDownloadCountedEvent(SHARE, file, 2))
                .when(CountLinkDownloadCommand.of(SHARE, file, 2))
                .expectNoEvents()
                .expectException(LinkDownloadLimitReachedException.class);
    }

    @Test
    void rejectsACounterThatDoesNotMatchItsLink() {
        fixture.givenNoPriorActivity()
                .when(new CountLinkDownloadCommand("link:other-share", SHARE, file, 2))
                .expectNoEvents()
                .expectException(InvalidValueException.class);
    }
}
