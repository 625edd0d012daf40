-- Run once by the postgres image on an empty volume (docker-entrypoint-initdb.d), as POSTGRES_USER.
-- The image creates role filestore and database filestore; the tests use filestore_test.
CREATE DATABASE filestore_test OWNER filestore;
ALTER ROLE filestore CREATEDB;
