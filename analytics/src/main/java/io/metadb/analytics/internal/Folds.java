package io.metadb.analytics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Folds of rows fetched ordered by a key: what a report computes in Java where SQLite has
 * no function for it (latest status per task, percentiles per command). Stateless.
 */
public final class Folds {
    private Folds() {}

    /**
     * One result per run of adjacent rows with equal keys, in order: {@code first} makes it
     * from a run's first row, {@code next} adds each following row of the run.
     */
    public static <T, K, A> List<A> adjacent(Iterable<T> rows, Function<T, K> key, Function<T, A> first,
            BiFunction<A, T, A> next) {
        List<A> out = new ArrayList<>();
        A current = null;
        K currentKey = null;
        for (T row : rows) {
            K k = key.apply(row);
            if (current != null && Objects.equals(k, currentKey)) {
                current = next.apply(current, row);
            } else {
                if (current != null) {
                    out.add(current);
                }
                current = first.apply(row);
                currentKey = k;
            }
        }
        if (current != null) {
            out.add(current);
        }
        return out;
    }

    /** The value at rank ceil(p/100 * n) (1-based) of an ascending list: the nearest-rank percentile. */
    public static Long nearestRank(List<Long> ascending, int p) {
        int rank = (int) Math.ceil(p / 100.0 * ascending.size());
        return ascending.get(Math.max(rank, 1) - 1);
    }
}
