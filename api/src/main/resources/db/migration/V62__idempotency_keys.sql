-- Idempotency-Key of non-idempotent writes (see IdempotencyKeys): one row per caller and key, claimed before the
-- work starts (status NULL), completed with the answer; forgotten after filestore.idempotency.retention.
CREATE TABLE idempotency_key (
    caller        varchar(128) NOT NULL,
    key           varchar(255) NOT NULL,
    request_line  text         NOT NULL,
    resource_id   varchar(64),
    process       varchar(36)  NOT NULL,
    created_at    timestamptz  NOT NULL,
    fingerprint   char(64),
    status        integer,
    location      text,
    body          text,
    PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
