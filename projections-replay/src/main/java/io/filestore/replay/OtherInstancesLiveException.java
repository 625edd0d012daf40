package io.filestore.replay;

import java.util.List;

/**
 * A restore or projection rebuild was asked for while other instances run on the same database: their event
 * processors cannot be reset from here, so the operation is refused (409) until they are stopped.
 */
public class OtherInstancesLiveException extends OperationConflictException {

    private final List<String> instances;

    public OtherInstancesLiveException(String operation, List<String> instances) {
        super("a " + operation + " resets event processors, which only works while this is the only running "
                + "instance; stop the other live instances first (" + String.join(", ", instances) + "), then retry "
                + "and start them again when it has finished");
        this.instances = List.copyOf(instances);
    }

    /** The other live instances' names. */
    public List<String> instances() {
        return instances;
    }
}
