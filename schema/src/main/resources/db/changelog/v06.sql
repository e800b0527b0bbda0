--liquibase formatted sql

--changeset metadb:owner_directives dbms:sqlite
CREATE TABLE owner_directives (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    source TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.source')) STORED,
    directive TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.directive')) STORED,
    status TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.status')) STORED
);
CREATE INDEX owner_directives_ts ON owner_directives (ts);

--changeset metadb:token_usage dbms:sqlite
CREATE TABLE token_usage (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    session_id TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.session_id')) STORED,
    provider TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.provider')) STORED,
    model TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.model')) STORED,
    input_tokens INTEGER NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.input_tokens')) STORED,
    output_tokens INTEGER NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.output_tokens')) STORED,
    cache_read_tokens INTEGER GENERATED ALWAYS AS (json_extract(row_json, '$.cache_read_tokens')) STORED,
    cache_write_tokens INTEGER GENERATED ALWAYS AS (json_extract(row_json, '$.cache_write_tokens')) STORED,
    cost_usd REAL NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.cost_usd')) STORED
);
CREATE INDEX token_usage_ts ON token_usage (ts);
CREATE INDEX token_usage_agent_ts ON token_usage (agent, ts);
CREATE INDEX token_usage_model_ts ON token_usage (model, ts);

--changeset metadb:v6-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '6')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-owner_directives dbms:postgresql
CREATE TABLE owner_directives (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    source TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'source') STORED,
    directive TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'directive') STORED,
    status TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'status') STORED
);
CREATE INDEX owner_directives_ts ON owner_directives (ts);

--changeset metadb:pg-token_usage dbms:postgresql
CREATE TABLE token_usage (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    session_id TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'session_id') STORED,
    provider TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'provider') STORED,
    model TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'model') STORED,
    input_tokens BIGINT NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'input_tokens')::bigint) STORED,
    output_tokens BIGINT NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'output_tokens')::bigint) STORED,
    cache_read_tokens BIGINT GENERATED ALWAYS AS ((row_json::jsonb ->> 'cache_read_tokens')::bigint) STORED,
    cache_write_tokens BIGINT GENERATED ALWAYS AS ((row_json::jsonb ->> 'cache_write_tokens')::bigint) STORED,
    cost_usd DOUBLE PRECISION NOT NULL GENERATED ALWAYS AS ((row_json::jsonb ->> 'cost_usd')::double precision) STORED
);
CREATE INDEX token_usage_ts ON token_usage (ts);
CREATE INDEX token_usage_agent_ts ON token_usage (agent, ts);
CREATE INDEX token_usage_model_ts ON token_usage (model, ts);

--changeset metadb:pg-v6-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '6')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
