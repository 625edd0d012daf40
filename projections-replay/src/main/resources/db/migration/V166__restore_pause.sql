-- The other instances' answer to a restore: each live process that has stopped its event processors for restore
-- "operation_id" records it here (RestoreFollower), and the restoring instance loads the events only once every
-- other live process has (the load deletes and resets the processors' tokens, which no running processor may hold).
-- A process deletes its rows when it starts its processors again; the restore deletes its rows when it ends.
CREATE TABLE restore_pause (
    operation_id varchar(64)  NOT NULL,
    process      varchar(200) NOT NULL,
    paused_at    timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (operation_id, process)
);
