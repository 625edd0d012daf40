package io.filestore.query.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.InMemorySequencedDeadLetterQueue;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A document the real Elasticsearch refuses (a date it cannot parse) parks its file's events in
 * the processor's dead-letter queue instead of failing the batch: the other files of the batch are indexed.
 */
class SearchDeadLetterIT {

    SearchFixture f;
    final InMemorySequencedDeadLetterQueue<EventMessage<?>> queue = InMemorySequencedDeadLetterQueue.defaultQueue();
    SearchProjection projection;

    @BeforeEach
    void setUp() throws Exception {
        f = new SearchFixture("deadletter");
        f.manager.ensureReady();
        projection = new SearchProjection(f.manager, f.eventStore, f.signals, () -> Optional.of(queue));
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void aRefusedDocumentParksItsFileAndTheRestOfTheBatchIsIndexed() throws Exception {
        FileId good = FileId.random();
        FileId refused = FileId.random();
        DomainEventMessage<?> goodUpload = f.append(good, upload(good, "good.txt", List.of("fine")), f.tick(1));
        // An event time Elasticsearch's date fields cannot parse (event times come from the clock in practice).
        DomainEventMessage<?> refusedUpload = f.append(refused, upload(refused, "refused.txt", List.of("odd")),
                Instant.parse("+33715-01-01T00:00:00Z"));

        List<EventMessage<?>> batch = new ArrayList<>(List.of(goodUpload, refusedUpload));
        BatchingUnitOfWork<EventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(batch);
        unitOfWork.executeWithResult(() -> {
            DomainEventMessage<?> message = (DomainEventMessage<?>) CurrentUnitOfWork.get().getMessage();
            projection.on((FileUploadedEvent) message.getPayload(), message.getSequenceNumber(),
                    message.getTimestamp());
            return null;
        }, RollbackConfigurationType.ANY_THROWABLE);

        assertThat(unitOfWork.getExecutionResult().isExceptionResult()).isFalse();
        assertThat(f.index.version(f.manager.writeIndex(), good)).isEqualTo(1);
        assertThat(f.index.version(f.manager.writeIndex(), refused)).isEqualTo(-1);
        assertThat(f.signals.lastIndexed(good)).isEqualTo(0);
        assertThat(queue.contains(refused.value())).isTrue();
        List<DeadLetter<? extends EventMessage<?>>> parked = new ArrayList<>();
        queue.deadLetterSequence(refused.value()).forEach(parked::add);
        assertThat(parked).hasSize(1);
        assertThat(parked.get(0).message().getIdentifier()).isEqualTo(refusedUpload.getIdentifier());
        assertThat(parked.get(0).cause().orElseThrow().message()).contains("refused").contains(refused.value());
        assertThat(parked.get(0).diagnostics().get("attempts")).isEqualTo(1L);
    }

    private static FileUploadedEvent upload(FileId id, String name, List<String> tags) {
        return new FileUploadedEvent(id, new FileName(name), new MediaType("text/plain"), 1, SearchFixture.blob(name),
                new FileMetadata(null, tags, "/", Map.of()), new UserId("alice"));
    }
}
