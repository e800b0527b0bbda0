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
