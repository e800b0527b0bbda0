--liquibase formatted sql

--changeset metadb:meta dbms:sqlite
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

--changeset metadb:ids dbms:sqlite
CREATE TABLE ids (
    name TEXT PRIMARY KEY,
    id INTEGER NOT NULL
);

--changeset metadb:messages dbms:sqlite
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    channel TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.channel')) STORED,
    direction TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.direction')) STORED,
    sender TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.sender')) STORED,
    recipient TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.recipient')) STORED,
    body TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.body')) STORED,
    thread TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.thread')) STORED
);
CREATE INDEX messages_ts ON messages (ts);
CREATE INDEX messages_agent_ts ON messages (agent, ts);

--changeset metadb:cli_invocations dbms:sqlite
CREATE TABLE cli_invocations (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    command TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.command')) STORED,
    exit_code INTEGER NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.exit_code')) STORED,
    duration_ms INTEGER NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.duration_ms')) STORED,
    cwd TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.cwd')) STORED
);
CREATE INDEX cli_invocations_ts ON cli_invocations (ts);
CREATE INDEX cli_invocations_agent_ts ON cli_invocations (agent, ts);
CREATE INDEX cli_invocations_command_ts ON cli_invocations (command, ts);

--changeset metadb:crashes dbms:sqlite
CREATE TABLE crashes (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    component TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.component')) STORED,
    error TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.error')) STORED,
    backtrace TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.backtrace')) STORED
);
CREATE INDEX crashes_ts ON crashes (ts);
CREATE INDEX crashes_component_ts ON crashes (component, ts);

--changeset metadb:ticks dbms:sqlite
CREATE TABLE ticks (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    kind TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.kind')) STORED,
    status TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.status')) STORED,
    duration_ms INTEGER NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.duration_ms')) STORED
);
CREATE INDEX ticks_ts ON ticks (ts);
CREATE INDEX ticks_agent_ts ON ticks (agent, ts);

--changeset metadb:v1-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-meta dbms:postgresql
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

--changeset metadb:pg-ids dbms:postgresql
CREATE TABLE ids (
    name TEXT PRIMARY KEY,
    id BIGINT NOT NULL
);

--changeset metadb:pg-messages dbms:postgresql
CREATE TABLE messages (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    channel TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'channel') STORED,
    direction TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'direction') STORED,
    sender TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'sender') STORED,
    recipient TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'recipient') STORED,
    body TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'body') STORED,
    thread TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'thread') STORED
);
CREATE INDEX messages_ts ON messages (ts);
CREATE INDEX messages_agent_ts ON messages (agent, ts);

--changeset metadb:pg-cli_invocations dbms:postgresql
CREATE TABLE cli_invocations (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    command TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'command') STORED,
    exit_code BIGINT NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'exit_code')::bigint) STORED,
    duration_ms BIGINT NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'duration_ms')::bigint) STORED,
    cwd TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'cwd') STORED
);
CREATE INDEX cli_invocations_ts ON cli_invocations (ts);
CREATE INDEX cli_invocations_agent_ts ON cli_invocations (agent, ts);
CREATE INDEX cli_invocations_command_ts ON cli_invocations (command, ts);

--changeset metadb:pg-crashes dbms:postgresql
CREATE TABLE crashes (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    component TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'component') STORED,
    error TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'error') STORED,
    backtrace TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'backtrace') STORED
);
CREATE INDEX crashes_ts ON crashes (ts);
CREATE INDEX crashes_component_ts ON crashes (component, ts);

--changeset metadb:pg-ticks dbms:postgresql
CREATE TABLE ticks (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    kind TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'kind') STORED,
    status TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'status') STORED,
    duration_ms BIGINT NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'duration_ms')::bigint) STORED
);
CREATE INDEX ticks_ts ON ticks (ts);
CREATE INDEX ticks_agent_ts ON ticks (agent, ts);

--changeset metadb:pg-v1-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
