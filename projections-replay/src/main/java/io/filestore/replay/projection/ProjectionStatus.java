package io.filestore.replay.projection;

/**
 * A projection (a streaming event processor) as the status endpoint shows it.
 *
 * @param name      the processor's name, which is its processing group's
 * @param running   whether it runs
 * @param segments  how many segments its tokens have, and how many of them this instance processes now
 * @param position  the lowest global index its segments have processed, -1 before the first event
 * @param head      the highest global index in the event store
 * @param caughtUp  whether every segment has processed up to {@code head}
 * @param error     the error of a segment that fails, retried by Axon with back-off
 */
public record ProjectionStatus(String name, boolean running, int segments, int activeSegments, long position,
                               long head, boolean caughtUp, String error) {
}
