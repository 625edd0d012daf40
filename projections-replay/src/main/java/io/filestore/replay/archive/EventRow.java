package io.filestore.replay.archive;

/**
 * One row of Axon's event table ({@code domain_event_entry}) or snapshot table ({@code snapshot_event_entry}, where
 * {@code globalIndex} is null), column for column. Payload and metadata are the serialized bytes exactly as stored
 * (base64 in the archive), so a restore writes back the same rows.
 */
public record EventRow(Long globalIndex, String aggregateIdentifier, long sequenceNumber, String type,
                       String eventIdentifier, String payloadType, String payloadRevision, byte[] payload,
                       byte[] metaData, String timeStamp) {
}
