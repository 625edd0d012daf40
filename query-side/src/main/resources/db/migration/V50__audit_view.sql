-- The audit trail, built by the "audit" projection from the event store (so it is backed up with the events and
-- rebuilt by a replay). One row per event about a file, keyed by the event's identifier, so that a replay or a retry
-- writes each entry once.
CREATE TABLE audit_entry (
    event_id     varchar(255)  PRIMARY KEY,
    global_index bigint        NOT NULL,
    file_id      uuid          NOT NULL,
    action       varchar(32)   NOT NULL,
    actor        varchar(128),
    occurred_at  timestamptz   NOT NULL,
    details      jsonb         NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_entry_file ON audit_entry (file_id, occurred_at DESC, global_index DESC);
CREATE INDEX audit_entry_time ON audit_entry (occurred_at DESC, global_index DESC);
CREATE INDEX audit_entry_actor ON audit_entry (actor, occurred_at DESC, global_index DESC);

-- What the audit projection needs to know about a file: its owner (who may read its history, even after a purge)
-- and its name and metadata after the last change (to say what a change changed). aggregate_seq makes updates
-- forward-only, as in file_view.
CREATE TABLE audit_file (
    file_id       uuid          PRIMARY KEY,
    owner_id      varchar(128)  NOT NULL,
    name          varchar(1024) NOT NULL,
    metadata      jsonb         NOT NULL,
    aggregate_seq bigint        NOT NULL
);
CREATE INDEX audit_file_owner ON audit_file (owner_id);
