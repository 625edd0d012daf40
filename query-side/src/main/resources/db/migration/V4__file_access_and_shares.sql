-- Who may read a file besides its owner (built by the "metadata" projection with the file views), and the shares
-- and public links as their owners manage them (built by the "shares" projection).
CREATE TABLE file_access (
    file_id    uuid         NOT NULL,
    share_id   varchar(64)  NOT NULL,
    grantee    varchar(140) NOT NULL,
    role       varchar(16)  NOT NULL,
    expires_at timestamptz,
    PRIMARY KEY (file_id, share_id)
);
CREATE INDEX file_access_grantee ON file_access (grantee);

CREATE TABLE share_view (
    share_id       varchar(64)  PRIMARY KEY,
    file_id        uuid         NOT NULL,
    kind           varchar(8)   NOT NULL,
    grantee        varchar(140),
    role           varchar(16),
    token_hash     char(64) UNIQUE,
    password_hash  varchar(200),
    expires_at     timestamptz,
    max_downloads  integer,
    created_at     timestamptz  NOT NULL,
    created_by     varchar(128) NOT NULL
);
CREATE INDEX share_view_file ON share_view (file_id);

-- Public-link download counts: operational state, kept across projection rebuilds (never truncated by a replay).
CREATE TABLE public_link_usage (
    share_id     varchar(64) PRIMARY KEY,
    access_count integer     NOT NULL DEFAULT 0
);

-- Group memberships of users (comma-separated group names; group names cannot contain commas).
ALTER TABLE user_view ADD COLUMN groups text NOT NULL DEFAULT '';
