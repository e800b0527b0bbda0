package io.metadb.cli;

import static io.metadb.generated.Tables.TOKEN_USAGE;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.table;

import io.metadb.core.SqliteFiles;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Start-up work a report needs and that does not depend on its arguments, done on
 * background threads while the main thread builds picocli's model (~100 ms that the
 * start-up archive cannot remove: picocli's classes are Java 5 bytecode). jOOQ's set-up
 * (~100 ms of class initialisation: every dialect's data types, the generated tables) and
 * sqlite-jdbc's (~50 ms: native library, date formats, logging) run on threads of their
 * own ({@code query}, plain JDBC, warms sqlite-jdbc only).
 * The report then finds the classes initialised. A warm-up failure is ignored: the report
 * does the same work itself and reports its errors. Thread-safe.
 */
final class StartupWarmUp {
    private StartupWarmUp() {}

    /**
     * jOOQ: first renders, without a connection, statements of the shapes every report
     * takes (a window copied into the snapshot, a union of counts, an aggregate), so that
     * jOOQ's and the generated tables' initialisation does not wait for sqlite-jdbc; then
     * runs a query, for the execution path.
     */
    static void jooq() {
        start("metadb-warm-jooq", () -> {
            DSLContext dsl = DSL.using(SQLDialect.SQLITE, SqliteFiles.settings());
            Table<?> source = table(name("src", TOKEN_USAGE.getName())).as(TOKEN_USAGE.getName());
            dsl.createTable(TOKEN_USAGE).as(select(TOKEN_USAGE.TS, TOKEN_USAGE.MODEL).from(source)
                    .where(TOKEN_USAGE.TS.ge(Instant.EPOCH))).getSQL();
            dsl.select(inline(TOKEN_USAGE.getName()), count()).from(source)
                    .unionAll(select(inline(TOKEN_USAGE.getName()), count()).from(source)).getSQL();
            dsl.select(TOKEN_USAGE.MODEL, count(), sum(TOKEN_USAGE.INPUT_TOKENS))
                    .from(TOKEN_USAGE).where(TOKEN_USAGE.TS.ge(Instant.EPOCH)).and(TOKEN_USAGE.AGENT.isNotNull())
                    .groupBy(TOKEN_USAGE.MODEL).orderBy(TOKEN_USAGE.MODEL).getSQL();
            try (Connection c = memory()) {
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

    private static Connection memory() throws SQLException {
        return SqliteFiles.memory();
    }
}
