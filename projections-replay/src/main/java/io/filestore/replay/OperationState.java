package io.filestore.replay;

/** The state of a backup, restore or rebuild. */
public enum OperationState {
    RUNNING,
    COMPLETED,
    FAILED
}
