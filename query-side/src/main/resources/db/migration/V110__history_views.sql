-- Time travel: views with validity intervals, built by the "history" projection from the event store (so they
-- are backed up with the events and rebuilt by a replay). A row holds from valid_from (inclusive, the timestamp
-- of the event that began it) to valid_to (exclusive, the timestamp of the event that ended it; NULL while it
-- holds). "At instant t" means valid_from <= t AND (valid_to IS NULL OR valid_to > t).

-- One row per state of a file: name, content, metadata and trash state between two of its events.
CREATE TABLE history_file_state (
    file_id            uuid          NOT NULL,
    aggregate_seq      bigint        NOT NULL,
    valid_from         timestamptz   NOT NULL,
    valid_to           timestamptz,
    owner_id           varchar(128)  NOT NULL,
    name               varchar(1024) NOT NULL,
    media_type         varchar(255)  NOT NULL,
    size               bigint        NOT NULL,
    blob_sha256        char(64)      NOT NULL,
    version            integer       NOT NULL,
    description        text,
    tags               jsonb         NOT NULL DEFAULT '[]',
    folder             varchar(1024) NOT NULL DEFAULT '/',
    attributes         jsonb         NOT NULL DEFAULT '{}',
    created_at         timestamptz   NOT NULL,
    updated_at         timestamptz   NOT NULL,
    content_updated_at timestamptz   NOT NULL,
    deleted_at         timestamptz,
    PRIMARY KEY (file_id, aggregate_seq)
);
CREATE INDEX history_file_state_owner ON history_file_state (owner_id, valid_from, valid_to);
CREATE INDEX history_file_state_open ON history_file_state (file_id) WHERE valid_to IS NULL;

-- Every version a file ever had, from the instant it was added (versions are never removed, only purged).
CREATE TABLE history_version (
    file_id       uuid          NOT NULL,
    version       integer       NOT NULL,
    blob_sha256   char(64)      NOT NULL,
    size          bigint        NOT NULL,
    media_type    varchar(255)  NOT NULL,
    valid_from    timestamptz   NOT NULL,
    uploaded_by   varchar(128)  NOT NULL,
    change_log    text,
    restored_from integer,
    PRIMARY KEY (file_id, version)
);

-- Shares with users and groups, and public links: from their creation to their revocation. A share's own
-- expiry (expires_at) also ends it, without an event.
CREATE TABLE history_grant (
    file_id       uuid          NOT NULL,
    share_id      varchar(64)   NOT NULL,
    kind          varchar(8)    NOT NULL,
    grantee       varchar(140),
    role          varchar(16),
    expires_at    timestamptz,
    password      boolean       NOT NULL DEFAULT false,
    max_downloads integer,
    valid_from    timestamptz   NOT NULL,
    valid_to      timestamptz,
    created_by    varchar(128)  NOT NULL,
    PRIMARY KEY (file_id, share_id)
);
CREATE INDEX history_grant_grantee ON history_grant (grantee, valid_from);

-- Group memberships of users over time.
CREATE TABLE history_membership (
    user_id    varchar(128) NOT NULL,
    group_name varchar(128) NOT NULL,
    valid_from timestamptz  NOT NULL,
    valid_to   timestamptz,
    PRIMARY KEY (user_id, group_name, valid_from)
);
CREATE INDEX history_membership_group ON history_membership (group_name, valid_from);

-- Accounts and whether they administer the system (an administrator may read every file).
CREATE TABLE history_user (
    user_id      varchar(128) PRIMARY KEY,
    system_admin boolean      NOT NULL,
    created_at   timestamptz  NOT NULL
);

-- What happened to each file, one row per kind of change per event (created, changed, renamed, moved, shared,
-- unshared, trashed, restored, purged); kept after a purge, like the audit trail.
CREATE TABLE history_change (
    file_id       uuid          NOT NULL,
    aggregate_seq bigint        NOT NULL,
    kind          varchar(16)   NOT NULL,
    occurred_at   timestamptz   NOT NULL,
    owner_id      varchar(128)  NOT NULL,
    actor         varchar(128),
    folder        varchar(1024) NOT NULL,
    details       jsonb         NOT NULL DEFAULT '{}',
    PRIMARY KEY (file_id, aggregate_seq, kind)
);
CREATE INDEX history_change_time ON history_change (occurred_at);
CREATE INDEX history_change_owner ON history_change (owner_id, occurred_at);
