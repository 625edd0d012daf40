-- The identity of this event store: one random id, created with the schema. Every view that lives outside
-- PostgreSQL (the search index) records the id of the store it was built from, and is rebuilt when it does not
-- match: a service started on a new, empty database never serves the search index of the previous one.
CREATE TABLE store_identity (
    id          uuid         PRIMARY KEY,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    singleton   boolean      NOT NULL DEFAULT true UNIQUE CHECK (singleton)
);
INSERT INTO store_identity (id) VALUES (gen_random_uuid());
