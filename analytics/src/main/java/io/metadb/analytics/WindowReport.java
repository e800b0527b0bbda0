package io.metadb.analytics;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.jooq.Table;

/**
 * A report whose one parameter is its window ({@code --since}) and which reads its tables'
 * rows in that window (a report that reads more overrides {@link #reads}). Subclasses are
 * immutable singletons.
 */
public abstract class WindowReport<R extends Record> extends Report<Window, R> {
    /** What every window report's {@code --since} says. */
    private static final String SINCE = "window";

    private final Supplier<List<Table<?>>> tables;
    private final Param<Instant> since;

    /**
     * @param tables what it reads: of each, the rows in the window (every row of one without
     *        a ts). A supplier, not a list: the registry loads every report class at start-up,
     *        and touching the generated tables then would initialise jOOQ (~100 ms) on the main
     *        thread of every command; null for a report that overrides {@link #reads}
     */
    protected WindowReport(String name, Class<R> rowType, Shape shape, String description, String defaultSince,
            List<String> examples, Supplier<List<Table<?>>> tables) {
        this(name, rowType, shape, description, Param.since(defaultSince, SINCE), examples, tables);
    }

    private WindowReport(String name, Class<R> rowType, Shape shape, String description, Param<Instant> since,
            List<String> examples, Supplier<List<Table<?>>> tables) {
        super(name, rowType, shape, description, List.of(since), examples);
        this.since = since;
        this.tables = tables;
    }

    @Override
    protected final Window params(Args args) {
        return new Window(args.get(since));
    }

    @Override
    public List<TableCopy> reads(Window window, Instant now) {
        return window(window.since(), now, tables.get().toArray(Table<?>[]::new));
    }
}
