-- Appends the event history of files :first..:last to the Axon event store, exactly as the application serializes
-- it (Jackson, compact JSON, the payload revisions of the event classes, the correlation metadata the API adds), so
-- that the application's processors build their views and the search index from it as after a restore (the replay
-- path). Every file has a FileUploadedEvent (sequence 0); about 30% then a FileVersionAddedEvent (version 2), 20% a
-- FileMetadataUpdatedEvent (new description, tags, an attribute; sometimes a rename), 10% a FileSharedEvent to
-- another user; sequence numbers per file are contiguous and a file's events are adjacent in global order.
-- Deterministic and independent of the chunking: every choice derives from md5('bench-file-' || n).
-- psql variables:
--   first, last  the file numbers to generate (inclusive), 1-based
--   total        the number of files of the whole history (spreads upload times over 700 days)
--   big          files 1..big belong to the owner bench-big, the others to bench-u0 .. bench-u<users-1>
--   users        the number of other owners
-- Blob ids come from bench.blob_pool (i, sha256, size): real blobs uploaded once through the API, shared by many
-- files (no bytes exist per file; sizes in the events are synthetic).
\set ON_ERROR_STOP on

CREATE OR REPLACE FUNCTION pg_temp.hint(h text, k int) RETURNS int LANGUAGE sql IMMUTABLE AS
$$ SELECT ('x' || substr($1, $2, 7))::bit(28)::int $$;
CREATE OR REPLACE FUNCTION pg_temp.compact(j json) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$ SELECT convert_to(replace(replace($1::text, '" : ', '":'), ', "', ',"'), 'UTF8') $$;

WITH vocab AS (
    SELECT ARRAY['annual','report','budget','invoice','contract','meeting','notes','summary','draft','final',
        'review','project','design','diagram','photo','holiday','beach','mountain','family','wedding','birthday',
        'presentation','slides','proposal','research','analysis','results','experiment','dataset','backup',
        'archive','scan','receipt','tax','insurance','policy','manual','guide','tutorial','lecture','homework',
        'thesis','chapter','paper','article','letter','memo','agenda','minutes','schedule','roadmap','strategy',
        'marketing','sales','customer','supplier','order','shipment','inventory','product','release','changelog',
        'specification','requirements','architecture','network','server','database','migration','security',
        'audit','compliance','training','onboarding','handbook','recipe','garden','kitchen','renovation','travel',
        'itinerary','ticket','passport','visa','medical','prescription','fitness','running','cycling','concert',
        'festival','album','podcast','interview','transcript','screenshot','mockup','prototype','feedback',
        'survey','statistics','forecast','quarterly','monthly','weekly','daily','january','february','march',
        'april','may','june','july','august','september','october','november','december','alpha','beta','gamma',
        'delta','omega','north','south','east','west','blue','green','red','yellow','orange','purple','silver',
        'golden','quantum','neural','solar','ocean','forest','river','desert','island','valley','harbor','bridge',
        'castle','garage','office','studio','library','museum','gallery','theater','stadium','airport','station',
        'hospital','school','university','village','city','country','planet','galaxy','comet','rocket','engine',
        'battery','sensor','camera','printer','keyboard','monitor','laptop','phone','tablet','router','cable',
        'license','warranty','certificate','diploma','portfolio','resume','reference','contact','address','map']
        AS w,
           ARRAY['finance','work','personal','photos','family','urgent','archive','legal','health','travel',
        'music','video','docs','code','design','marketing','sales','hr','it','research','2019','2020','2021',
        '2022','2023','2024','q1','q2','q3','q4','draft','final','review','shared','important','todo','done',
        'idea','reference','template'] AS t,
           ARRAY['engineering','finance','marketing','sales','legal','hr','design','research','support','ops']
        AS dept,
           ARRAY['apollo','borealis','cobalt','dynamo','ember','falcon','granite','helios','iris','juniper',
        'kestrel','lumen','meridian','nimbus','onyx','pulsar','quartz','raven','sierra','tundra','umbra','vega',
        'willow','xenon','zephyr'] AS proj,
           ARRAY['pdf','png','jpg','txt','docx','xlsx','csv','mp4'] AS ext,
           ARRAY['application/pdf','image/png','image/jpeg','text/plain',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet','text/csv','video/mp4'] AS mime
), pool AS (
    SELECT array_agg(sha256 ORDER BY i) AS sha, count(*)::int AS k FROM bench.blob_pool
), base AS (
    SELECT n, h,
           substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) || '-'
               || substr(h, 21, 12) AS id,
           CASE WHEN n <= :big THEN 'bench-big' ELSE 'bench-u' || (n % :users) END AS owner,
           1 + pg_temp.hint(h, 1) % 8 AS e,
           pg_temp.hint(h, 4) % 100 < 30 AS hv,
           pg_temp.hint(h, 8) % 100 < 20 AS hm,
           pg_temp.hint(h, 12) % 100 < 10 AS hs,
           floor(exp((pg_temp.hint(h, 16) % 1000000) / 1000000.0 * 18))::bigint AS size,
           timestamp '2025-01-01' + (n::float8 / :total) * interval '700 days' AS created
    FROM generate_series(:first, :last) AS n, LATERAL (SELECT md5('bench-file-' || n) AS h) AS hashed
), files AS (
    SELECT b.*,
           v.w[1 + pg_temp.hint(h, 20) % array_length(v.w, 1)]
               || CASE WHEN n % 3 = 0 THEN ' ' ELSE '_' END
               || v.w[1 + pg_temp.hint(h, 24) % array_length(v.w, 1)] || '-' || n || '.' || v.ext[e] AS name,
           v.mime[e] AS media,
           '/' || v.dept[1 + (n / 7) % 10] || '/' || v.proj[1 + (n / 10) % 25]
               || CASE WHEN n % 3 = 0 THEN '/' || (2019 + n % 6) ELSE '' END AS folder,
           CASE WHEN n % 4 = 0 THEN NULL ELSE
               (SELECT string_agg(v.w[1 + pg_temp.hint(md5(h || k), 1) % array_length(v.w, 1)], ' ' ORDER BY k)
                FROM generate_series(1, 5 + n % 6) AS k) END AS description,
           ARRAY(SELECT DISTINCT v.t[1 + pg_temp.hint(md5(h || 't' || k), 1) % array_length(v.t, 1)]
                 FROM generate_series(1, n % 4) AS k) AS tags,
           v.w[1 + pg_temp.hint(h, 27) % array_length(v.w, 1)] AS word,
           v.t[1 + pg_temp.hint(h, 2) % array_length(v.t, 1)] AS newtag,
           p.sha[1 + pg_temp.hint(h, 5) % p.k] AS blob1,
           p.sha[1 + pg_temp.hint(h, 9) % p.k] AS blob2
    FROM base b, vocab v, pool p
), derived AS (
    SELECT f.*,
           json_build_object('description', description, 'tags', to_json(tags), 'folder', folder,
                             'attributes', json_build_object()) AS meta1,
           CASE WHEN n % 7 = 0 THEN 'renamed-' || name ELSE name END AS name2,
           json_build_object('description', coalesce(description || ' ', '') || 'reviewed ' || word,
                             'tags', to_json(ARRAY(SELECT DISTINCT x FROM unnest(tags || newtag) AS x)),
                             'folder', folder,
                             'attributes', json_build_object('reviewed', 'yes', 'score', (n % 100)::text)) AS meta2
    FROM files f
), events AS (
    SELECT n, 0 AS seq, id, owner, created AS at, 'FileUploadedEvent' AS kind, '1' AS revision,
           json_build_object('fileId', json_build_object('value', id), 'name', json_build_object('value', name),
                             'mediaType', json_build_object('value', media), 'size', size,
                             'blobId', json_build_object('sha256', blob1), 'metadata', meta1,
                             'owner', json_build_object('value', owner)) AS payload
    FROM derived
    UNION ALL
    SELECT n, 1, id, owner, created + interval '3 hours', 'FileVersionAddedEvent', '1',
           json_build_object('fileId', json_build_object('value', id), 'version', 2,
                             'blobId', json_build_object('sha256', blob2), 'size', size + 1 + n % 4096,
                             'mediaType', json_build_object('value', media), 'name', json_build_object('value', name),
                             'metadata', meta1,
                             'changeLog', CASE WHEN n % 2 = 0 THEN 'updated ' || word ELSE NULL END,
                             'by', json_build_object('value', owner))
    FROM derived WHERE hv
    UNION ALL
    SELECT n, 1 + hv::int, id, owner, created + interval '5 hours', 'FileMetadataUpdatedEvent', '1',
           json_build_object('fileId', json_build_object('value', id), 'name', json_build_object('value', name2),
                             'metadata', meta2, 'by', json_build_object('value', owner))
    FROM derived WHERE hm
    UNION ALL
    SELECT n, 1 + hv::int + hm::int, id, owner, created + interval '7 hours', 'FileSharedEvent', '2',
           json_build_object('fileId', json_build_object('value', id),
                             'shareId', substr(md5('bench-share-' || n), 1, 16),
                             'grantee', json_build_object('value', 'user:bench-u'
                                 || CASE WHEN n <= :big THEN n % :users ELSE (n + 1) % :users END),
                             'role', CASE WHEN n % 5 = 0 THEN 'EDITOR' ELSE 'VIEWER' END,
                             'expiresAt', NULL, 'by', json_build_object('value', owner))
    FROM derived WHERE hs
)
INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier, meta_data, payload,
                                payload_revision, payload_type, time_stamp)
SELECT id, seq, 'FileEntry', md5('bench-event-' || n || '-' || seq)::uuid::text,
       pg_temp.compact(json_build_object('traceId', trace, 'clientAddress',
                                         '10.' || (n % 250) || '.' || (n / 250 % 250) || '.' || (1 + seq),
                                         'correlationId', trace)),
       pg_temp.compact(payload), revision, 'io.filestore.command.api.' || kind,
       to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
FROM events, LATERAL (SELECT md5('bench-trace-' || n || '-' || seq)::uuid::text AS trace) AS t
ORDER BY n, seq;
