package io.metadb.cli;

import static io.metadb.generated.Tables.TOKEN_USAGE;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.sum;

import io.metadb.migrations.internal.SqliteFiles;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Properties;

/**
 * Start-up work a report needs and that does not depend on its arguments, done on
 * background threads while the main thread builds picocli's model (~100 ms that the
 * start-up archive cannot remove: picocli's classes are Java 5 bytecode). jOOQ's set-up
 * (~100 ms of class initialisation: every dialect's data types, the generated tables) and
 * sqlite-jdbc's (~50 ms: native library, date formats, logging) run on threads of their
 * own ({@code query}, which reads the whole file, takes its snapshot there instead of
 * warming sqlite-jdbc: {@link SnapshotPrefetch}).
 * The report then finds the classes initialised. A warm-up failure is ignored: the report
 * does the same work itself and reports its errors. Thread-safe.
 */
final class StartupWarmUp {
    private StartupWarmUp() {}

    /** jOOQ: builds, renders and runs a query of the reports' shape over generated tables. */
    static void jooq() {
        start("metadb-warm-jooq", () -> {
            try (Connection c = memory()) {
                SqliteFiles.dsl(c).select(TOKEN_USAGE.MODEL, count(), sum(TOKEN_USAGE.INPUT_TOKENS))
                        .from(TOKEN_USAGE).where(TOKEN_USAGE.TS.ge(Instant.EPOCH)).and(TOKEN_USAGE.AGENT.isNotNull())
                        .groupBy(TOKEN_USAGE.MODEL).orderBy(TOKEN_USAGE.MODEL).getSQL();
                SqliteFiles.dsl(c).selectOne().fetch();
            }
        });
    }

    /** sqlite-jdbc: loads the native library and opens and closes an in-memory database. */
    static void sqlite() {
        start("metadb-warm-sqlite", () -> memory().close());
    }

    private interface Work {
        void run() throws SQLException;
    }

    private static void start(String name, Work work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (SQLException | RuntimeException e) {
                // only a warm-up (see the class comment)
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** The driver directly: DriverManager would first scan every jar for drivers. */
    private static Connection memory() throws SQLException {
        return new org.sqlite.JDBC().connect("jdbc:sqlite::memory:", new Properties());
    }
}
