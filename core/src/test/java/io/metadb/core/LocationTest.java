package io.metadb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocationTest {
    @Test
    void aPathIsASqliteFile() {
        Location l = Location.parse("data/meta.db");
        assertThat(l.engine()).isEqualTo(Engine.SQLITE);
        assertThat(l.file()).isEqualTo(Path.of("data/meta.db"));
        assertThat(l).hasToString("data/meta.db");
    }

    @Test
    void libpqAndJdbcUrlsGiveTheSameDriverUrlAndNeverShowThePassword() {
        Location libpq = Location.parse("postgresql://fleet:s3cr%40t@db.example:5433/meta?sslmode=require");
        Location jdbc = Location.parse("jdbc:postgresql://db.example:5433/meta?user=fleet&password=s3cr@t&sslmode=require");
        Location shortScheme = Location.parse("postgres://fleet:s3cr%40t@db.example:5433/meta?sslmode=require");

        for (Location l : new Location[] {libpq, jdbc, shortScheme}) {
            assertThat(l.engine()).isEqualTo(Engine.POSTGRESQL);
            assertThat(l.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/meta?sslmode=require");
            assertThat(l.user()).isEqualTo("fleet");
            assertThat(l.toString()).isEqualTo("postgresql://fleet@db.example:5433/meta?sslmode=require")
                    .doesNotContain("s3cr");
        }
        assertThat(libpq).isEqualTo(jdbc);
        assertThatThrownBy(libpq::file).hasMessageContaining("is a PostgreSQL database");
    }

    @Test
    void badUrlsAreOneLineWithoutThePassword() {
        assertThatThrownBy(() -> Location.parse("postgresql://u:hunter2@host"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("names a host and a database").hasMessageNotContaining("hunter2")
                .hasMessageContaining("u:***@host");
        assertThatThrownBy(() -> Location.parse("postgresql://u:hunter2@ho st/db"))
                .isInstanceOf(BadInputException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Location.parse("jdbc:postgresql:meta?password=hunter2"))
                .isInstanceOf(BadInputException.class).hasMessageNotContaining("hunter2")
                .hasMessageContaining("password=***");
    }

    @Test
    void aRefusedConnectionNamesTheDatabaseButNotThePassword() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Location l = Location.parse("postgresql://u:hunter2@127.0.0.1:" + port + "/meta");
        assertThatThrownBy(l::connect).hasMessageStartingWith("cannot connect to postgresql://u@127.0.0.1:" + port + "/meta: ")
                .hasMessageNotContaining("hunter2");
    }
}
