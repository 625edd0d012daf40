package io.filestore.query;

/**
 * The identity of the event store this service runs on: a random id created with the database schema
 * ({@code store_identity}). A view kept outside PostgreSQL records it, so that a view built from another store (a
 * new, empty database beside an old search index) is recognised and rebuilt instead of served.
 */
public interface StoreIdentity {

    /** The id of the event store; the same for the life of the database. */
    String id();
}
