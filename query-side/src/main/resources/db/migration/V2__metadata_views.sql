-- Query-side views of files and their versions, built by the "metadata" projection.
-- They can always be dropped and rebuilt by replaying the event store.
CREATE TABLE file_view (
    file_id            uuid          PRIMARY KEY,
    owner_id           varchar(128)  NOT NULL,
    name               varchar(1024) NOT NULL,
    media_type         varchar(255)  NOT NULL,
    size               bigint        NOT NULL,
    blob_sha256        char(64)      NOT NULL,
    version            integer       NOT NULL,
    aggregate_seq      bigint        NOT NULL,
    description        text,
    tags               jsonb         NOT NULL DEFAULT '[]',
    folder             varchar(1024) NOT NULL DEFAULT '/',
    attributes         jsonb         NOT NULL DEFAULT '{}',
    created_at         timestamptz   NOT NULL,
    updated_at         timestamptz   NOT NULL,
    content_updated_at timestamptz   NOT NULL,
    deleted_at         timestamptz,
    deleted_by         varchar(128)
);
CREATE INDEX file_view_owner_live ON file_view (owner_id, created_at DESC, file_id DESC) WHERE deleted_at IS NULL;
CREATE INDEX file_view_trash ON file_view (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE file_version_view (
    file_id       uuid          NOT NULL,
    version       integer       NOT NULL,
    blob_sha256   char(64)      NOT NULL,
    size          bigint        NOT NULL,
    media_type    varchar(255)  NOT NULL,
    uploaded_at   timestamptz   NOT NULL,
    uploaded_by   varchar(128)  NOT NULL,
    change_log    text,
    restored_from integer,
    PRIMARY KEY (file_id, version)
);
CREATE INDEX file_version_view_blob ON file_version_view (blob_sha256);
