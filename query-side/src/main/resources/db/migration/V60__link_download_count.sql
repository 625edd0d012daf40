-- Public-link download counts are part of the shares view now, built from PublicLinkDownloadCountedEvent, so a
-- restore or rebuild brings them back. The old operational table is no longer used.
ALTER TABLE share_view ADD COLUMN download_count integer NOT NULL DEFAULT 0;
DROP TABLE public_link_usage;
