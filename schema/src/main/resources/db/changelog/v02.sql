--liquibase formatted sql

--changeset metadb:workspaces dbms:sqlite
CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    action TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.action')) STORED,
    path TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.path')) STORED,
    branch TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.branch')) STORED
);
CREATE INDEX workspaces_ts ON workspaces (ts);

--changeset metadb:sessions dbms:sqlite
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    session_id TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.session_id')) STORED,
    phase TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.phase')) STORED,
    model TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.model')) STORED
);
CREATE INDEX sessions_ts ON sessions (ts);

--changeset metadb:v2-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '2')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-workspaces dbms:postgresql
CREATE TABLE workspaces (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    action TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'action') STORED,
    path TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'path') STORED,
    branch TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'branch') STORED
);
CREATE INDEX workspaces_ts ON workspaces (ts);

--changeset metadb:pg-sessions dbms:postgresql
CREATE TABLE sessions (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    session_id TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'session_id') STORED,
    phase TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'phase') STORED,
    model TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'model') STORED
);
CREATE INDEX sessions_ts ON sessions (ts);

--changeset metadb:pg-v2-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '2')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
