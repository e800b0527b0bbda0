--liquibase formatted sql

--changeset metadb:tool_use_events dbms:sqlite
CREATE TABLE tool_use_events (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    tool TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.tool')) STORED,
    duration_ms INTEGER NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.duration_ms')) STORED,
    ok BOOLEAN NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.ok')) STORED,
    error TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.error')) STORED
);
CREATE INDEX tool_use_events_ts ON tool_use_events (ts);

--changeset metadb:clone_lifecycle_events dbms:sqlite
CREATE TABLE clone_lifecycle_events (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    clone TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.clone')) STORED,
    phase TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.phase')) STORED
);
CREATE INDEX clone_lifecycle_events_ts ON clone_lifecycle_events (ts);
CREATE INDEX clone_lifecycle_events_clone_ts ON clone_lifecycle_events (clone, ts);

--changeset metadb:prepush_bypass_events dbms:sqlite
CREATE TABLE prepush_bypass_events (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    repo TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.repo')) STORED,
    ref TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.ref')) STORED,
    reason TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.reason')) STORED
);
CREATE INDEX prepush_bypass_events_ts ON prepush_bypass_events (ts);

--changeset metadb:marker_state_events dbms:sqlite
CREATE TABLE marker_state_events (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    marker TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.marker')) STORED,
    from_state TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.from_state')) STORED,
    to_state TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.to_state')) STORED
);
CREATE INDEX marker_state_events_ts ON marker_state_events (ts);

--changeset metadb:dependency_installs dbms:sqlite
CREATE TABLE dependency_installs (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    ecosystem TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.ecosystem')) STORED,
    package TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.package')) STORED,
    version TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.version')) STORED,
    duration_ms INTEGER NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.duration_ms')) STORED,
    ok BOOLEAN NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.ok')) STORED
);
CREATE INDEX dependency_installs_ts ON dependency_installs (ts);

--changeset metadb:v10-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '10')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-tool_use_events dbms:postgresql
CREATE TABLE tool_use_events (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    tool TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'tool') STORED,
    duration_ms BIGINT NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'duration_ms')::bigint) STORED,
    ok BOOLEAN NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'ok')::boolean) STORED,
    error TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'error') STORED
);
CREATE INDEX tool_use_events_ts ON tool_use_events (ts);

--changeset metadb:pg-clone_lifecycle_events dbms:postgresql
CREATE TABLE clone_lifecycle_events (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    clone TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'clone') STORED,
    phase TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'phase') STORED
);
CREATE INDEX clone_lifecycle_events_ts ON clone_lifecycle_events (ts);
CREATE INDEX clone_lifecycle_events_clone_ts ON clone_lifecycle_events (clone, ts);

--changeset metadb:pg-prepush_bypass_events dbms:postgresql
CREATE TABLE prepush_bypass_events (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    repo TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'repo') STORED,
    ref TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'ref') STORED,
    reason TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'reason') STORED
);
CREATE INDEX prepush_bypass_events_ts ON prepush_bypass_events (ts);

--changeset metadb:pg-marker_state_events dbms:postgresql
CREATE TABLE marker_state_events (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    marker TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'marker') STORED,
    from_state TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'from_state') STORED,
    to_state TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'to_state') STORED
);
CREATE INDEX marker_state_events_ts ON marker_state_events (ts);

--changeset metadb:pg-dependency_installs dbms:postgresql
CREATE TABLE dependency_installs (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    ecosystem TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'ecosystem') STORED,
    package TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'package') STORED,
    version TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'version') STORED,
    duration_ms BIGINT NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'duration_ms')::bigint) STORED,
    ok BOOLEAN NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'ok')::boolean) STORED
);
CREATE INDEX dependency_installs_ts ON dependency_installs (ts);

--changeset metadb:pg-v10-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '10')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
