package io.metadb.analytics;

import static io.metadb.analytics.ResidentCopies.HOURS;
import static io.metadb.analytics.ResidentCopies.ID;

import io.metadb.core.Identifiers;
import io.metadb.generated.convert.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How {@link ResidentCopies} finds the hours of a windowed table that changed in the file:
 * per hour the row count, sum of ids and sum of squared ids, read from the ts index, compared
 * by ranges halved where they differ. Stateless.
 */
final class HourFingerprints {
    private HourFingerprints() {}

    /** The prime the id sums are taken modulo: sums of a few billion rows cannot overflow. */
    private static final long P = 2_147_483_647L;

    /**
     * Row count, sum of ids and sum of squared ids (both modulo {@link #P}) of some hours of
     * a table: inserting or deleting rows changes them. Exact integers, so the fingerprint of
     * a range of hours is the sum of its hours'.
     */
    record Fingerprint(long rows, long ids, long squares) {
        static final Fingerprint NONE = new Fingerprint(0, 0, 0);

        Fingerprint plus(Fingerprint o) {
            return new Fingerprint(rows + o.rows, ids + o.ids, squares + o.squares);
        }
    }

    /** The hours of one table held in memory, by hour start, and the columns held (quoted names). */
    static final class Hours {
        final List<String> columns;
        final TreeMap<Instant, Fingerprint> held = new TreeMap<>();

        Hours(List<String> columns) {
            this.columns = columns;
        }

        long rows() {
            return held.values().stream().mapToLong(Fingerprint::rows).sum();
        }

        Hours copy() {
            Hours c = new Hours(columns);
            c.held.putAll(held);
            return c;
        }
    }

    static long hoursOf(TableCopy.Span w) {
        return ChronoUnit.HOURS.between(hourOf(w.since()), hourOf(w.until())) + 1;
    }

    static Instant hourOf(Instant t) {
        return t.truncatedTo(ChronoUnit.HOURS);
    }

    /**
     * The file's fingerprint of every hour {@code t}'s window touches whose rows may differ
     * from those held (the hours not listed are held and unchanged). Ranges are compared
     * whole first and halved only where they differ: with one hour changed (the current one,
     * as rows arrive), about twice the window's index entries are read, in a few statements.
     */
    static Map<Instant, Fingerprint> changed(Connection memory, TableCopy t, Hours hours) throws SQLException {
        Map<Instant, Fingerprint> changed = new HashMap<>();
        Instant first = hourOf(t.window().since());
        long n = ChronoUnit.HOURS.between(first, hourOf(t.window().until())) + 1;
        if (n < 1) {
            return changed; // a window ending before it begins (--since after --now): no rows
        }
        try (PreparedStatement fp = memory.prepareStatement("SELECT count(*), coalesce(sum(" + ID + " % " + P + "), 0),"
                // Reduced before squaring: an id past ~3.04e9 squared overflows 64 bits, and SQLite
                // turns the product into a REAL, under which different ids look alike.
                + " coalesce(sum((" + ID + " % " + P + ") * (" + ID + " % " + P + ") % " + P + "), 0) FROM src." + Identifiers.quote(t.table().getName()) + HOURS)) {
            compare(fp, hours, first, n, null, changed);
        }
        return changed;
    }

    /**
     * Adds to {@code changed} the hours among {@code n} from {@code first} whose fingerprint in
     * the file is not the held one; {@code file} is the range's fingerprint if already read.
     */
    private static void compare(PreparedStatement fp, Hours hours, Instant first, long n, Fingerprint file,
            Map<Instant, Fingerprint> changed) throws SQLException {
        if (n < 1) {
            return;
        }
        Fingerprint held = Fingerprint.NONE;
        boolean allHeld = hours != null;
        for (long i = 0; i < n && allHeld; i++) {
            Fingerprint h = hours.held.get(first.plus(Duration.ofHours(i)));
            allHeld = h != null;
            held = allHeld ? held.plus(h) : held;
        }
        if (!allHeld && n > 1) {
            for (long i = 0; i < n; i++) { // not held (the first report of this window): hour by hour
                Instant h = first.plus(Duration.ofHours(i));
                Fingerprint f = fingerprint(fp, h, 1);
                if (hours == null || !f.equals(hours.held.get(h))) {
                    changed.put(h, f);
                }
            }
            return;
        }
        Fingerprint range = file != null ? file : fingerprint(fp, first, n);
        if (allHeld && range.equals(held)) {
            return;
        }
        if (n == 1) {
            changed.put(first, range);
            return;
        }
        long half = n / 2;
        Fingerprint low = fingerprint(fp, first, half);
        Fingerprint high = new Fingerprint(range.rows() - low.rows(), range.ids() - low.ids(), range.squares() - low.squares());
        compare(fp, hours, first, half, low, changed);
        compare(fp, hours, first.plus(Duration.ofHours(half)), n - half, high, changed);
    }

    private static Fingerprint fingerprint(PreparedStatement fp, Instant first, long hours) throws SQLException {
        fp.setString(1, Timestamps.format(first));
        fp.setString(2, Timestamps.format(first.plus(Duration.ofHours(hours))));
        try (ResultSet rs = fp.executeQuery()) {
            rs.next();
            return new Fingerprint(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }
}
