package io.metadb.analytics;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Table;

/**
 * One report of SPEC §4, whole: its parameters ({@link #params()}, typed by {@code P}),
 * what it reads ({@link #reads}: its snapshot's copy plan), its query ({@link #run}) and
 * its row type ({@code R}). Every report is one small subclass in
 * {@code io.metadb.analytics.report}, listed once in {@link Reports#all()}; the CLI, the
 * benchmarks and the tests iterate that list. Subclasses are immutable singletons.
 *
 * @param <P> the typed parameters
 * @param <R> the row type: component names are column names in camelCase, in column order
 */
public abstract class Report<P, R extends Record> {
    /** How rows are shown: one per row, or a single row as metric/value pairs. */
    public enum Shape { ROWS, METRICS }

    private final String name;
    private final Class<R> rowType;
    private final Shape shape;
    private final String description;
    private final List<Param<?>> params;
    private final List<String> examples;

    /**
     * @param name the command name ({@code hot-tables})
     * @param description one line, optionally further lines after {@code \n}
     * @param examples argument lines (without {@code metadb}) that run on the demo database,
     *        the first the most typical
     */
    protected Report(String name, Class<R> rowType, Shape shape, String description, List<Param<?>> params,
            List<String> examples) {
        this.name = name;
        this.rowType = rowType;
        this.shape = shape;
        this.description = description;
        this.params = List.copyOf(params);
        this.examples = List.copyOf(examples);
        if (examples.isEmpty() || !examples.stream().allMatch(e -> e.startsWith(name))) {
            throw new IllegalArgumentException(name + ": examples must start with the report's name");
        }
    }

    /** The typed parameters from raw values (defaults applied, checked). */
    protected abstract P params(Args args);

    /** What the report reads, as a snapshot copy plan, for these parameters at {@code now}. */
    public abstract List<TableCopy> reads(P params, Instant now);

    /** The report's rows over a snapshot holding at least {@link #reads}. */
    protected abstract List<R> run(ReportContext context, P params);

    /** The column names for these parameters: the row type's, unless a report renames one. */
    public List<String> columns(P params) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : rowType.getRecordComponents()) {
            out.add(Tabular.columnName(c));
        }
        return out;
    }

    /** Whether a view for people ends with a line of totals of the numeric columns ({@code cost}). */
    public boolean totalLine() {
        return false;
    }

    /** A request of this report with parameters parsed from raw values. */
    public final Request<P, R> request(Args args) {
        return new Request<>(this, params(args));
    }

    /** A request of this report with typed parameters. */
    public final Request<P, R> request(P params) {
        return new Request<>(this, params);
    }

    public final String name() {
        return name;
    }

    public final Class<R> rowType() {
        return rowType;
    }

    public final Shape shape() {
        return shape;
    }

    public final String description() {
        return description;
    }

    public final List<Param<?>> params() {
        return params;
    }

    public final List<String> examples() {
        return examples;
    }

    /**
     * Every listed table's rows with {@code since <= ts <= now} (all rows of a table without a
     * ts, or if since is null).
     */
    protected static List<TableCopy> window(Instant since, Instant now, Table<?>... tables) {
        List<TableCopy> out = new ArrayList<>();
        for (Table<?> t : tables) {
            out.add(TableCopy.of(t).within(since, now));
        }
        return out;
    }

    @Override
    public final String toString() {
        return name;
    }
}
