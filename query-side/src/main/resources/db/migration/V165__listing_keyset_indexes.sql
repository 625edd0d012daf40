-- Keyset (cursor) pagination of the listings: each listing seeks to its cursor in an index in its own order and
-- reads one page, instead of skipping OFFSET rows and counting every row of the listing.
--
-- The live listing (owner_id, created_at DESC, file_id DESC) WHERE deleted_at IS NULL is already served by
-- file_view_owner_live (V2). The trash listing orders an owner's trashed files by deleted_at DESC, file_id DESC;
-- file_view_trash (deleted_at) serves only the purge of expired trash, so the trash listing read and sorted all of
-- the owner's trashed files for every page. The shared-with listing starts from file_access_grantee (V4) and sorts
-- the (few) files shared with the caller; it needs no index of its own, and an index on updated_at would cost every
-- metadata update its HOT update.
--
-- CONCURRENTLY builds the index without blocking writes to a large existing file_view (a plain CREATE INDEX blocks
-- inserts and updates for the whole build). Flyway runs a migration made only of such statements outside a
-- transaction; that needs spring.flyway.postgresql.transactional-lock=false (application.yml), or the build waits
-- forever for Flyway's own lock transaction. The DROP first makes a retry after an interrupted build (which leaves
-- an invalid index behind) start clean.
DROP INDEX CONCURRENTLY IF EXISTS file_view_owner_trash;
CREATE INDEX CONCURRENTLY file_view_owner_trash ON file_view (owner_id, deleted_at DESC, file_id DESC)
    WHERE deleted_at IS NOT NULL;
