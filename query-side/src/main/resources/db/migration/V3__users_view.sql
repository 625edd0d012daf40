-- Users and their personal API tokens, built by the "users" projection. Only hashes are stored: bcrypt for
-- passwords, SHA-256 for tokens (which carry 256 random bits).
CREATE TABLE user_view (
    user_id       varchar(128) PRIMARY KEY,
    display_name  varchar(200) NOT NULL,
    password_hash varchar(200) NOT NULL,
    system_admin  boolean      NOT NULL,
    disabled      boolean      NOT NULL DEFAULT false,
    created_at    timestamptz  NOT NULL,
    aggregate_seq bigint       NOT NULL
);

CREATE TABLE api_token_view (
    token_id   varchar(64)  PRIMARY KEY,
    user_id    varchar(128) NOT NULL,
    name       varchar(100) NOT NULL,
    token_hash char(64)     NOT NULL UNIQUE,
    expires_at timestamptz,
    created_at timestamptz  NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX api_token_view_user ON api_token_view (user_id);
