--liquibase formatted sql

--changeset metadb:tick_rollups dbms:sqlite
CREATE TABLE tick_rollups (
    day TEXT NOT NULL,
    agent TEXT NOT NULL,
    kind TEXT NOT NULL,
    ticks INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    total_duration_ms INTEGER NOT NULL,
    max_duration_ms INTEGER NOT NULL,
    PRIMARY KEY (day, agent, kind)
);

--changeset metadb:cli_daily dbms:sqlite
CREATE TABLE cli_daily (
    day TEXT NOT NULL,
    agent TEXT NOT NULL,
    command TEXT NOT NULL,
    calls INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    total_duration_ms INTEGER NOT NULL,
    PRIMARY KEY (day, agent, command)
);

--changeset metadb:watchdog_daily dbms:sqlite
CREATE TABLE watchdog_daily (
    day TEXT NOT NULL,
    agent TEXT NOT NULL,
    check_name TEXT NOT NULL,
    green INTEGER NOT NULL,
    yellow INTEGER NOT NULL,
    red INTEGER NOT NULL,
    PRIMARY KEY (day, agent, check_name)
);

--changeset metadb:v11-schema-version dbms:sqlite
INSERT INTO meta (key, value) VALUES ('schema_version', '11')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;

--changeset metadb:pg-tick_rollups dbms:postgresql
CREATE TABLE tick_rollups (
    day TEXT NOT NULL,
    agent TEXT NOT NULL,
    kind TEXT NOT NULL,
    ticks BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    total_duration_ms BIGINT NOT NULL,
    max_duration_ms BIGINT NOT NULL,
    PRIMARY KEY (day, agent, kind)
);

--changeset metadb:pg-cli_daily dbms:postgresql
CREATE TABLE cli_daily (
    day TEXT NOT NULL,
    agent TEXT NOT NULL,
    command TEXT NOT NULL,
    calls BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    total_duration_ms BIGINT NOT NULL,
    PRIMARY KEY (day, agent, command)
);

--changeset metadb:pg-watchdog_daily dbms:postgresql
CREATE TABLE watchdog_daily (
    day TEXT NOT NULL,
    agent TEXT NOT NULL,
    check_name TEXT NOT NULL,
    green BIGINT NOT NULL,
    yellow BIGINT NOT NULL,
    red BIGINT NOT NULL,
    PRIMARY KEY (day, agent, check_name)
);

--changeset metadb:pg-v11-schema-version dbms:postgresql
INSERT INTO meta (key, value) VALUES ('schema_version', '11')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
