--liquibase formatted sql

--changeset metadb:clone_dispatches dbms:sqlite
CREATE TABLE clone_dispatches (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    clone TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.clone')) STORED,
    task_id TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.task_id')) STORED,
    status TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.status')) STORED,
    brief TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.brief')) STORED
);
CREATE INDEX clone_dispatches_ts ON clone_dispatches (ts);
CREATE INDEX clone_dispatches_task_id_ts ON clone_dispatches (task_id, ts);
CREATE INDEX clone_dispatches_agent_ts ON clone_dispatches (agent, ts);
CREATE INDEX clone_dispatches_clone_ts ON clone_dispatches (clone, ts);

--changeset metadb:harvests dbms:sqlite
CREATE TABLE harvests (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    clone TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.clone')) STORED,
    task_id TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.task_id')) STORED,
    outcome TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.outcome')) STORED,
    summary TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.summary')) STORED
);
CREATE INDEX harvests_ts ON harvests (ts);
CREATE INDEX harvests_task_id_ts ON harvests (task_id, ts);

--changeset metadb:v3-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '3')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-clone_dispatches dbms:postgresql
CREATE TABLE clone_dispatches (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    clone TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'clone') STORED,
    task_id TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'task_id') STORED,
    status TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'status') STORED,
    brief TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'brief') STORED
);
CREATE INDEX clone_dispatches_ts ON clone_dispatches (ts);
CREATE INDEX clone_dispatches_task_id_ts ON clone_dispatches (task_id, ts);
CREATE INDEX clone_dispatches_agent_ts ON clone_dispatches (agent, ts);
CREATE INDEX clone_dispatches_clone_ts ON clone_dispatches (clone, ts);

--changeset metadb:pg-harvests dbms:postgresql
CREATE TABLE harvests (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    clone TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'clone') STORED,
    task_id TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'task_id') STORED,
    outcome TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'outcome') STORED,
    summary TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'summary') STORED
);
CREATE INDEX harvests_ts ON harvests (ts);
CREATE INDEX harvests_task_id_ts ON harvests (task_id, ts);

--changeset metadb:pg-v3-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '3')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
