--liquibase formatted sql

--changeset metadb:tests dbms:sqlite
CREATE TABLE tests (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    suite TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.suite')) STORED,
    name TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.name')) STORED,
    status TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.status')) STORED,
    duration_ms INTEGER NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.duration_ms')) STORED,
    commit_sha TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.commit_sha')) STORED
);
CREATE INDEX tests_ts ON tests (ts);
CREATE INDEX tests_suite_name_ts ON tests (suite, name, ts);

--changeset metadb:watchdog_events dbms:sqlite
CREATE TABLE watchdog_events (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    check_name TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.check_name')) STORED,
    level TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.level')) STORED,
    detail TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.detail')) STORED
);
CREATE INDEX watchdog_events_ts ON watchdog_events (ts);
CREATE INDEX watchdog_events_agent_ts ON watchdog_events (agent, ts);
CREATE INDEX watchdog_events_level_ts ON watchdog_events (level, ts);

--changeset metadb:v7-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '7')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-tests dbms:postgresql
CREATE TABLE tests (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    suite TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'suite') STORED,
    name TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'name') STORED,
    status TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'status') STORED,
    duration_ms BIGINT NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'duration_ms')::bigint) STORED,
    commit_sha TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'commit_sha') STORED
);
CREATE INDEX tests_ts ON tests (ts);
CREATE INDEX tests_suite_name_ts ON tests (suite, name, ts);

--changeset metadb:pg-watchdog_events dbms:postgresql
CREATE TABLE watchdog_events (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    check_name TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'check_name') STORED,
    level TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'level') STORED,
    detail TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'detail') STORED
);
CREATE INDEX watchdog_events_ts ON watchdog_events (ts);
CREATE INDEX watchdog_events_agent_ts ON watchdog_events (agent, ts);
CREATE INDEX watchdog_events_level_ts ON watchdog_events (level, ts);

--changeset metadb:pg-v7-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '7')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
