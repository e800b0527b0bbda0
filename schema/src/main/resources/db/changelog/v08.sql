--liquibase formatted sql

--changeset metadb:tasks dbms:sqlite
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    task_id TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.task_id')) STORED,
    agent TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    title TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.title')) STORED,
    status TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.status')) STORED,
    priority INTEGER GENERATED ALWAYS AS (json_extract(row_json, '$.priority')) STORED
);
CREATE INDEX tasks_ts ON tasks (ts);
CREATE INDEX tasks_task_id_ts ON tasks (task_id, ts);

--changeset metadb:source_errors dbms:sqlite
CREATE TABLE source_errors (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    source TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.source')) STORED,
    error TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.error')) STORED,
    detail TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.detail')) STORED
);
CREATE INDEX source_errors_ts ON source_errors (ts);

--changeset metadb:v8-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '8')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-tasks dbms:postgresql
CREATE TABLE tasks (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    task_id TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'task_id') STORED,
    agent TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    title TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'title') STORED,
    status TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'status') STORED,
    priority BIGINT GENERATED ALWAYS AS ((row_json::jsonb ->> 'priority')::bigint) STORED
);
CREATE INDEX tasks_ts ON tasks (ts);
CREATE INDEX tasks_task_id_ts ON tasks (task_id, ts);

--changeset metadb:pg-source_errors dbms:postgresql
CREATE TABLE source_errors (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    source TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'source') STORED,
    error TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'error') STORED,
    detail TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'detail') STORED
);
CREATE INDEX source_errors_ts ON source_errors (ts);

--changeset metadb:pg-v8-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '8')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
