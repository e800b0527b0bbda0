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
