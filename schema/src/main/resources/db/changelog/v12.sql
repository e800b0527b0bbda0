--liquibase formatted sql

--changeset metadb:api_errors dbms:sqlite
CREATE TABLE api_errors (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (json_valid(row_json)),
    agent TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.agent')) STORED,
    provider TEXT GENERATED ALWAYS AS (json_extract(row_json, '$.provider')) STORED,
    model TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.model')) STORED,
    error TEXT NOT NULL GENERATED ALWAYS AS (json_extract(row_json, '$.error')) STORED,
    status_code INTEGER GENERATED ALWAYS AS (json_extract(row_json, '$.status_code')) STORED,
    duration_ms INTEGER GENERATED ALWAYS AS (json_extract(row_json, '$.duration_ms')) STORED,
    attempt INTEGER GENERATED ALWAYS AS (json_extract(row_json, '$.attempt')) STORED
);
CREATE INDEX api_errors_ts ON api_errors (ts);

--changeset metadb:token_usage-duration_ms dbms:sqlite
ALTER TABLE token_usage ADD COLUMN duration_ms INTEGER GENERATED ALWAYS AS (json_extract(row_json, '$.duration_ms')) VIRTUAL;

--changeset metadb:idempotency_keys dbms:sqlite
CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    ts TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    answer_json TEXT NOT NULL
);
CREATE INDEX idempotency_keys_ts ON idempotency_keys (ts);

--changeset metadb:v12-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '12')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-api_errors dbms:postgresql
CREATE TABLE api_errors (
    id BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    row_json TEXT NOT NULL CHECK (row_json::jsonb IS NOT NULL),
    agent TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'agent') STORED,
    provider TEXT GENERATED ALWAYS AS (row_json::jsonb ->> 'provider') STORED,
    model TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'model') STORED,
    error TEXT NOT NULL GENERATED ALWAYS AS (row_json::jsonb ->> 'error') STORED,
    status_code BIGINT GENERATED ALWAYS AS ((row_json::jsonb ->> 'status_code')::bigint) STORED,
    duration_ms BIGINT GENERATED ALWAYS AS ((row_json::jsonb ->> 'duration_ms')::bigint) STORED,
    attempt BIGINT GENERATED ALWAYS AS ((row_json::jsonb ->> 'attempt')::bigint) STORED
);
CREATE INDEX api_errors_ts ON api_errors (ts);

--changeset metadb:pg-token_usage-duration_ms dbms:postgresql
ALTER TABLE token_usage ADD COLUMN duration_ms BIGINT GENERATED ALWAYS AS ((row_json::jsonb ->> 'duration_ms')::bigint) STORED;

--changeset metadb:pg-idempotency_keys dbms:postgresql
CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    ts TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    answer_json TEXT NOT NULL
);
CREATE INDEX idempotency_keys_ts ON idempotency_keys (ts);

--changeset metadb:pg-v12-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '12')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
