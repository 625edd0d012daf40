-- The long operations (restore, backup, projection rebuild) and where each stands, so that a crash at any point is
-- followed by a resume or a rollback at the next start: a row is RUNNING from the operation's start until it has
-- completed or failed. "detail" is the operation's status as JSON at its last phase change (what a resume needs).
CREATE TABLE long_operation (
    id          varchar(64)  PRIMARY KEY,
    kind        varchar(32)  NOT NULL,
    state       varchar(16)  NOT NULL,
    phase       varchar(32)  NOT NULL,
    detail      text         NOT NULL DEFAULT '{}',
    started_at  timestamptz  NOT NULL,
    updated_at  timestamptz  NOT NULL,
    ended_at    timestamptz,
    error       text
);
CREATE INDEX long_operation_unfinished ON long_operation (kind) WHERE state = 'RUNNING';
