-- The audit trail covers facts that are not about one file: accounts, passwords, tokens, groups, backups and
-- restores. Such an entry has no file; target names what it is about ("user:alice", "token:<id>",
-- "backup:<id>", "link:<share id>"; for a file, "file:<id>"). client_address is the address of the client whose
-- request caused the event (from the event's metadata; null for events recorded before it was kept, and for work
-- the service did on its own, such as the trash purge).
ALTER TABLE audit_entry ALTER COLUMN file_id DROP NOT NULL;
ALTER TABLE audit_entry ADD COLUMN target varchar(300);
ALTER TABLE audit_entry ADD COLUMN client_address varchar(64);
UPDATE audit_entry SET target = 'file:' || file_id WHERE target IS NULL AND file_id IS NOT NULL;
CREATE INDEX audit_entry_target ON audit_entry (target, occurred_at DESC, global_index DESC);
