--liquibase formatted sql

--changeset metadb:mcp_tool_calls dbms:sqlite
CREATE TABLE mcp_tool_calls (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    server TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.server')) STORED,
    tool TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.tool')) STORED,
    duration_ms INTEGER NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.duration_ms')) STORED,
    ok BOOLEAN NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.ok')) STORED,
    error TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.error')) STORED
);
CREATE INDEX mcp_tool_calls_ts ON mcp_tool_calls (ts);
CREATE INDEX mcp_tool_calls_server_tool ON mcp_tool_calls (server, tool);

--changeset metadb:git_operations dbms:sqlite
CREATE TABLE git_operations (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    repo TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.repo')) STORED,
    op TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.op')) STORED,
    ref TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.ref')) STORED,
    ok BOOLEAN NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.ok')) STORED,
    duration_ms INTEGER NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.duration_ms')) STORED
);
CREATE INDEX git_operations_ts ON git_operations (ts);

--changeset metadb:v5-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '5')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-mcp_tool_calls dbms:postgresql
CREATE TABLE mcp_tool_calls (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    server TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'server') STORED,
    tool TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'tool') STORED,
    duration_ms BIGINT NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'duration_ms')::bigint) STORED,
    ok BOOLEAN NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'ok')::boolean) STORED,
    error TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'error') STORED
);
CREATE INDEX mcp_tool_calls_ts ON mcp_tool_calls (ts);
CREATE INDEX mcp_tool_calls_server_tool ON mcp_tool_calls (server, tool);

--changeset metadb:pg-git_operations dbms:postgresql
CREATE TABLE git_operations (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    repo TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'repo') STORED,
    op TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'op') STORED,
    ref TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'ref') STORED,
    ok BOOLEAN NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'ok')::boolean) STORED,
    duration_ms BIGINT NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'duration_ms')::bigint) STORED
);
CREATE INDEX git_operations_ts ON git_operations (ts);

--changeset metadb:pg-v5-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '5')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
