package io.metadb.analytics;

import io.metadb.core.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The SQLite pragmas {@code query} answers, and how: as SELECTs over their table-valued functions. */
final class ReadOnlyPragmas {
    private ReadOnlyPragmas() {}

    /** The pragmas {@code query} answers: those that only read (SQLite offers each as a table-valued function). */
    static final java.util.Set<String> READ_ONLY_PRAGMAS = java.util.Set.of("table_info", "table_xinfo", "table_list",
            "index_list", "index_info", "index_xinfo", "foreign_key_list", "foreign_key_check", "collation_list",
            "function_list", "module_list", "pragma_list", "compile_options", "database_list", "page_count", "page_size",
            "freelist_count", "encoding", "user_version", "application_id", "schema_version", "data_version",
            "integrity_check", "quick_check");

    private static final Pattern PRAGMA = Pattern.compile(
            "(?is)PRAGMA\\s+(?:(\\w+)\\s*\\.\\s*)?(\\w+)\\s*(?:\\(\\s*([^()]*?)\\s*\\))?");

    /**
     * A read-only pragma ({@code PRAGMA table_info(ticks)}, {@code PRAGMA main.index_list('ticks')})
     * as the SELECT over its table-valued function that answers the same rows, so that it runs
     * as every other statement does (read-only, bounded); a pragma that sets something
     * ({@code PRAGMA x = 1}) or one not known to only read is refused.
     */
    static String asSelect(String statement) {
        Matcher m = PRAGMA.matcher(statement);
        if (!m.matches()) {
            throw new ReadOnlyQuery.RefusedException("query: only a pragma that reads is answered (PRAGMA name or PRAGMA name(arg)),"
                    + " not: " + statement);
        }
        String name = m.group(2).toLowerCase(Locale.ROOT);
        if (!READ_ONLY_PRAGMAS.contains(name)) {
            throw new ReadOnlyQuery.RefusedException("query: PRAGMA " + name + " is not one that only reads; these are answered: "
                    + String.join(", ", new java.util.TreeSet<>(READ_ONLY_PRAGMAS)));
        }
        List<String> args = new ArrayList<>();
        if (m.group(3) != null && !m.group(3).isEmpty()) {
            args.add(Identifiers.literal(unquoted(m.group(3))));
        }
        if (m.group(1) != null) {
            args.add(Identifiers.literal(m.group(1)));
        }
        return "SELECT * FROM pragma_" + name + "(" + String.join(", ", args) + ")";
    }

    /** A pragma's argument as the name or value it gives: 'x', "x", [x] and `x` unquoted. */
    private static String unquoted(String arg) {
        if (arg.length() >= 2) {
            char a = arg.charAt(0);
            char z = arg.charAt(arg.length() - 1);
            if (a == '\'' && z == '\'' || a == '"' && z == '"' || a == '`' && z == '`') {
                return arg.substring(1, arg.length() - 1).replace(String.valueOf(a) + a, String.valueOf(a));
            }
            if (a == '[' && z == ']') {
                return arg.substring(1, arg.length() - 1);
            }
        }
        return arg;
    }
}
