-- Storage nodes an administrator added at runtime (POST /api/admin/storage/nodes); they are added to the blob store
-- after the configured nodes at every start, in position order. No credentials: S3 nodes added this way use the
-- AWS SDK's default credentials provider chain.
CREATE TABLE storage_node_added (
    position   BIGSERIAL PRIMARY KEY,
    node_id    TEXT        NOT NULL UNIQUE,
    kind       TEXT        NOT NULL CHECK (kind IN ('directory', 's3')),
    path       TEXT,
    endpoint   TEXT,
    region     TEXT,
    bucket     TEXT,
    prefix     TEXT,
    path_style BOOLEAN     NOT NULL DEFAULT FALSE,
    location   TEXT        NOT NULL,
    added_by   TEXT        NOT NULL,
    added_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
