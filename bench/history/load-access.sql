-- Adds sharing history to a store loaded by bench/search/load-events.sql, as the application serializes it:
-- every 10th file is shared with one of 50 groups (FileSharedEvent, sequence 1), and :members users
-- (bench-m0 .. bench-m<members-1>) are created and put in 3 groups each (UserCreatedEvent, UserGroupsSetEvent).
-- All of it happens "now", after every upload. psql variables: files, users, members.
INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier, meta_data, payload,
                                payload_revision, payload_type, time_stamp)
SELECT id, 1, 'FileEntry', md5('bench-share-' || n)::uuid::text, convert_to('{}', 'UTF8'),
       convert_to(json_build_object(
           'fileId', json_build_object('value', id),
           'shareId', 'bench-s' || n,
           'grantee', json_build_object('value', 'group:bench-g' || (n / 10) % 50),
           'role', CASE WHEN n % 20 = 0 THEN 'EDITOR' ELSE 'VIEWER' END,
           'expiresAt', NULL,
           'by', json_build_object('value', 'bench-u' || (n % :users)))::text, 'UTF8'),
       '2', 'io.filestore.command.api.FileSharedEvent',
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
FROM generate_series(10, :files, 10) AS n,
     LATERAL (SELECT md5('bench-file-' || n) AS h) AS hashed,
     LATERAL (SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8'
                         || substr(h, 18, 3) || '-' || substr(h, 21, 12) AS id) AS derived;

INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier, meta_data, payload,
                                payload_revision, payload_type, time_stamp)
SELECT 'bench-m' || m, 0, 'UserAccount', md5('bench-member-' || m)::uuid::text, convert_to('{}', 'UTF8'),
       convert_to(json_build_object(
           'userId', json_build_object('value', 'bench-m' || m),
           'displayName', 'Member ' || m,
           'passwordHash', json_build_object('value',
               '{bcrypt}$2a$10$' || rpad(md5('bench-member-' || m), 53, 'x')),
           'systemAdmin', false,
           'by', json_build_object('value', 'bench-admin'))::text, 'UTF8'),
       '1', 'io.filestore.command.api.UserCreatedEvent',
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
FROM generate_series(0, :members - 1) AS m;

INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier, meta_data, payload,
                                payload_revision, payload_type, time_stamp)
SELECT 'bench-m' || m, 1, 'UserAccount', md5('bench-groups-' || m)::uuid::text, convert_to('{}', 'UTF8'),
       convert_to(json_build_object(
           'userId', json_build_object('value', 'bench-m' || m),
           'groups', json_build_array('bench-g' || m % 50, 'bench-g' || (m + 17) % 50, 'bench-g' || (m + 31) % 50),
           'by', json_build_object('value', 'bench-admin'))::text, 'UTF8'),
       '1', 'io.filestore.command.api.UserGroupsSetEvent',
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
FROM generate_series(0, :members - 1) AS m;
