--liquibase formatted sql

--changeset metadb:communication_events dbms:sqlite
CREATE TABLE communication_events (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    channel TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.channel')) STORED,
    direction TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.direction')) STORED,
    event TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.event')) STORED,
    message_id TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.message_id')) STORED,
    error TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.error')) STORED
);
CREATE INDEX communication_events_ts ON communication_events (ts);
CREATE INDEX communication_events_channel_ts ON communication_events (channel, ts);

--changeset metadb:source_cursors dbms:sqlite
CREATE TABLE source_cursors (
    source TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    updated_ts TEXT NOT NULL
);

--changeset metadb:events dbms:sqlite
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload_json TEXT NOT NULL CHECK (json_valid(payload_json)),
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    delivered_ts TEXT,
    last_error TEXT
);
CREATE INDEX events_ts ON events (ts);
CREATE INDEX events_source_status ON events (source, status);
CREATE INDEX events_status ON events (status);

--changeset metadb:v4-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '4')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-communication_events dbms:postgresql
CREATE TABLE communication_events (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    channel TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'channel') STORED,
    direction TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'direction') STORED,
    event TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'event') STORED,
    message_id TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'message_id') STORED,
    error TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'error') STORED
);
CREATE INDEX communication_events_ts ON communication_events (ts);
CREATE INDEX communication_events_channel_ts ON communication_events (channel, ts);

--changeset metadb:pg-source_cursors dbms:postgresql
CREATE TABLE source_cursors (
    source TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    updated_ts TEXT NOT NULL
);

--changeset metadb:pg-events dbms:postgresql
CREATE TABLE events (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload_json TEXT NOT NULL CHECK (payload_json::jsonb IS NOT NULL),
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    delivered_ts TEXT,
    last_error TEXT
);
CREATE INDEX events_ts ON events (ts);
CREATE INDEX events_source_status ON events (source, status);
CREATE INDEX events_status ON events (status);

--changeset metadb:pg-v4-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '4')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
