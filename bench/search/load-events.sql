-- Appends FileUploadedEvent rows for files :first..:last to the Axon event store, exactly as the application
-- serializes them (Jackson, revision 1), so that the application's processors index them as they would after a
-- restore: this is the replay path. Deterministic for a given range (setseed). psql variables:
--   first, last  the file numbers to generate (inclusive)
--   users        owners are bench-u0 .. bench-u<users-1>
SELECT setseed(0.4242);

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
), files AS (
    SELECT n,
           md5('bench-file-' || n) AS h,
           1 + floor(random() * 8)::int AS e,
           random() AS r1,
           random() AS r2,
           floor(exp(random() * 18))::bigint AS size,
           now() - random() * interval '730 days' AS created
    FROM generate_series(:first, :last) AS n
), sized AS (
    SELECT array_length(w, 1) AS nw, array_length(t, 1) AS nt FROM vocab
)
INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier, meta_data, payload,
                                payload_revision, payload_type, time_stamp)
SELECT id, 0, 'FileEntry', md5('bench-event-' || n)::uuid::text, convert_to('{}', 'UTF8'),
       convert_to(json_build_object(
           'fileId', json_build_object('value', id),
           'name', json_build_object('value', name),
           'mediaType', json_build_object('value', vocab.mime[e]),
           'size', size,
           'blobId', json_build_object('sha256', encode(sha256(convert_to('bench-blob-' || n, 'UTF8')), 'hex')),
           'metadata', json_build_object(
               'description', description,
               'tags', to_json(tags),
               'folder', folder,
               'attributes', json_build_object()),
           'owner', json_build_object('value', 'bench-u' || (n % :users)))::text, 'UTF8'),
       '1', 'io.filestore.command.api.FileUploadedEvent',
       to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
FROM files, vocab, sized,
     LATERAL (SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8'
                         || substr(h, 18, 3) || '-' || substr(h, 21, 12) AS id,
                     vocab.w[1 + floor(r1 * sized.nw)::int] || CASE WHEN n % 3 = 0 THEN ' ' ELSE '_' END
                         || vocab.w[1 + floor(r2 * sized.nw)::int] || '-' || n || '.'
                         || vocab.ext[e] AS name,
                     '/' || vocab.dept[1 + (n / 7) % 10] || '/' || vocab.proj[1 + (n / 10) % 25]
                         || CASE WHEN n % 3 = 0 THEN '/' || (2019 + n % 6) ELSE '' END AS folder) AS derived,
     LATERAL (SELECT CASE WHEN n % 4 = 0 THEN NULL ELSE
                         array_to_string(ARRAY(SELECT vocab.w[1 + floor(random() * sized.nw)::int]
                                               FROM generate_series(1, 5 + (n % 6)) AS k
                                               WHERE k > 0 AND n > 0), ' ') END AS description) AS d,
     LATERAL (SELECT ARRAY(SELECT DISTINCT vocab.t[1 + floor(random() * sized.nt)::int]
                           FROM generate_series(1, n % 4) AS k WHERE k > 0 AND n > 0) AS tags) AS tg;
