package io.filestore.query.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileRestoredFromTrashEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.FileVersionRestoredEvent;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import io.filestore.query.ProcessorControl;
import io.filestore.query.search.api.SearchFilesQuery;
import io.filestore.query.search.api.SearchPage;
import io.filestore.query.search.api.SearchSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;

/**
 * The search view wired by hand against the real Elasticsearch (from {@code FILESTORE_TEST_ES_URL} and
 * {@code FILESTORE_TEST_INDEX_PREFIX}, each fixture with its own index prefix) and Axon's in-memory event store.
 * Events are appended to the store and handed to the projection as the processor would; {@link #replay()} resets
 * the projection and hands it every event again, like a processor reset.
 */
final class SearchFixture implements AutoCloseable {

    final String prefix;
    final ElasticsearchClient client;
    final FileIndex index;
    final EventStore eventStore = EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine()).build();
    final List<DomainEventMessage<?>> events = new ArrayList<>();
    final FakeReplay replay = new FakeReplay();
    final ProcessorControl control = new ProcessorControl();
    final SearchIndexManager manager;
    final IndexSignals signals = new IndexSignals();
    final SearchProjection projection;
    final SearchQueryHandler queries;
    final IndexVisibility visibility;
    private final AtomicLong clock = new AtomicLong(Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());

    SearchFixture(String name) {
        String base = io.filestore.testsupport.TestServicesSource.services().indexPrefix();
        this.prefix = base + "-qs-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        SearchSettings settings = new SearchSettings(URI.create(io.filestore.testsupport.TestServicesSource.services().elasticsearchUrl()),
                prefix, Duration.ofSeconds(10));
        this.client = ElasticsearchClients.create(settings);
        this.index = new FileIndex(client, settings);
        this.manager = new SearchIndexManager(index, replay, control);
        this.projection = new SearchProjection(manager, eventStore, signals);
        this.queries = new SearchQueryHandler(index, manager);
        this.visibility = new IndexVisibility(index, manager, signals);
    }

    /** An index client for this fixture's prefix on a port where nothing listens (Elasticsearch down). */
    FileIndex unreachableIndex() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SearchSettings unreachable = new SearchSettings(URI.create("http://127.0.0.1:" + closedPort), prefix,
                Duration.ofSeconds(2));
        return new FileIndex(ElasticsearchClients.create(unreachable), unreachable);
    }

    /** An instant {@code minutes} after the fixture's previous one: events get distinct, increasing times. */
    Instant tick(long minutes) {
        return Instant.ofEpochMilli(clock.addAndGet(minutes * 60_000));
    }

    FileId upload(String owner, String name, String mediaType, long size, String description, List<String> tags,
                  String folder) {
        FileId id = FileId.random();
        upload(id, owner, name, mediaType, size, description, tags, folder, tick(1));
        return id;
    }

    void upload(FileId id, String owner, String name, String mediaType, long size, String description,
                List<String> tags, String folder, Instant at) {
        FileUploadedEvent event = new FileUploadedEvent(id, new FileName(name), new MediaType(mediaType), size,
                blob(name), new FileMetadata(description, tags, folder, Map.of("k", "v")), new UserId(owner));
        DomainEventMessage<?> message = append(id, event, at);
        projection.on(event, message.getSequenceNumber(), at);
    }

    void rename(FileId id, String owner, String name, FileMetadata metadata) {
        Instant at = tick(1);
        FileMetadataUpdatedEvent event = new FileMetadataUpdatedEvent(id, new FileName(name), metadata,
                new UserId(owner));
        DomainEventMessage<?> message = append(id, event, at);
        projection.on(event, message.getSequenceNumber(), at);
    }

    void newVersion(FileId id, String owner, String name, String mediaType, long size, FileMetadata metadata) {
        Instant at = tick(1);
        long seq = nextSequence(id);
        FileVersionAddedEvent event = new FileVersionAddedEvent(id, versionAfter(id), blob(name + seq), size,
                new MediaType(mediaType), new FileName(name), metadata, null, new UserId(owner));
        DomainEventMessage<?> message = append(id, event, at);
        projection.on(event, message.getSequenceNumber(), at);
    }

    void delete(FileId id, String owner) {
        Instant at = tick(1);
        FileDeletedEvent event = new FileDeletedEvent(id, new UserId(owner));
        DomainEventMessage<?> message = append(id, event, at);
        projection.on(event, message.getSequenceNumber(), at);
    }

    void restore(FileId id, String owner) {
        Instant at = tick(1);
        FileRestoredFromTrashEvent event = new FileRestoredFromTrashEvent(id, new UserId(owner));
        DomainEventMessage<?> message = append(id, event, at);
        projection.on(event, message.getSequenceNumber(), at);
    }

    void purge(FileId id, String owner) {
        Instant at = tick(1);
        FilePurgedEvent event = new FilePurgedEvent(id, new UserId(owner), false);
        DomainEventMessage<?> message = append(id, event, at);
        projection.on(event, message.getSequenceNumber(), at);
    }

    /** Appends an event to the store without handing it to the projection (it was missed, e.g. during an outage). */
    DomainEventMessage<?> append(FileId id, Object payload, Instant at) {
        long seq = nextSequence(id);
        DomainEventMessage<?> message = new GenericDomainEventMessage<>("FileEntry", id.value(), seq, payload,
                org.axonframework.messaging.MetaData.emptyInstance(), UUID.randomUUID().toString(), at);
        eventStore.publish(message);
        events.add(message);
        return message;
    }

    /** Hands a stored event to the projection, as the processor does. */
    void handle(DomainEventMessage<?> message) {
        Object payload = message.getPayload();
        long seq = message.getSequenceNumber();
        Instant at = message.getTimestamp();
        if (payload instanceof FileUploadedEvent e) {
            projection.on(e, seq, at);
        } else if (payload instanceof FileVersionAddedEvent e) {
            projection.on(e, seq, at);
        } else if (payload instanceof FileVersionRestoredEvent e) {
            projection.on(e, seq, at);
        } else if (payload instanceof FileMetadataUpdatedEvent e) {
            projection.on(e, seq, at);
        } else if (payload instanceof FileDeletedEvent e) {
            projection.on(e, seq, at);
        } else if (payload instanceof FileRestoredFromTrashEvent e) {
            projection.on(e, seq, at);
        } else if (payload instanceof FilePurgedEvent e) {
            projection.on(e, seq, at);
        }
    }

    private long nextSequence(FileId id) {
        return events.stream().filter(e -> e.getAggregateIdentifier().equals(id.value()))
                .mapToLong(DomainEventMessage::getSequenceNumber).max().orElse(-1) + 1;
    }

    private int versionAfter(FileId id) {
        int version = 1;
        for (DomainEventMessage<?> e : events) {
            if (e.getAggregateIdentifier().equals(id.value()) && e.getPayload() instanceof FileVersionAddedEvent v) {
                version = v.version();
            }
        }
        return version + 1;
    }

    /** Makes everything written searchable (tests only; the application never refreshes for a search). */
    void refresh() throws IOException {
        index.refresh(index.alias());
    }

    SearchPage search(SearchFilesQuery query) {
        return queries.handle(query);
    }

    static BlobId blob(String seed) {
        try {
            return new BlobId(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(seed.getBytes(StandardCharsets.UTF_8))));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        manager.stop();
        for (String name : index.indices().keySet()) {
            index.delete(name);
        }
        client.close();
    }


    /**
     * Stands in for the Axon processor: a replay calls the projection's reset handler, then hands it every stored
     * event in order (optionally slowly, one pause per event) and advances its position.
     */
    final class FakeReplay implements ProjectionReplay {

        volatile long position = -1;
        volatile Duration pausePerEvent = Duration.ZERO;
        volatile boolean automatic = true;
        /** Whether the stand-in processor claims to have processed events before (an index created now misses them). */
        volatile boolean processedAny = true;
        volatile int replays;

        @Override
        public void replay() {
            replays++;
            projection.reset();
            position = -1;
            if (automatic) {
                Thread thread = new Thread(this::replayAll, "fake-replay");
                thread.setDaemon(true);
                thread.start();
            }
        }

        void replayAll() {
            List<DomainEventMessage<?>> snapshot = List.copyOf(events);
            for (int i = 0; i < snapshot.size(); i++) {
                handle(snapshot.get(i));
                position = i;
                if (!pausePerEvent.isZero()) {
                    try {
                        Thread.sleep(pausePerEvent.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        @Override
        public OptionalLong lowestPosition() {
            return OptionalLong.of(position);
        }

        @Override
        public boolean processedAny() {
            return processedAny;
        }

        @Override
        public long headPosition() {
            return events.size() - 1;
        }
    }
}
