--liquibase formatted sql

--changeset metadb:iroh_events dbms:sqlite
CREATE TABLE iroh_events (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    peer TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.peer')) STORED,
    event TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.event')) STORED,
    detail TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.detail')) STORED
);
CREATE INDEX iroh_events_ts ON iroh_events (ts);

--changeset metadb:v9-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '9')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-iroh_events dbms:postgresql
CREATE TABLE iroh_events (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    peer TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'peer') STORED,
    event TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'event') STORED,
    detail TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'detail') STORED
);
CREATE INDEX iroh_events_ts ON iroh_events (ts);

--changeset metadb:pg-v9-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '9')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
