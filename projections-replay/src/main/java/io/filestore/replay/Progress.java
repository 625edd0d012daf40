package io.filestore.replay;

/** How much of something is done: {@code done} of {@code total}. */
public record Progress(long done, long total) {

    public static final Progress NONE = new Progress(0, 0);
}
