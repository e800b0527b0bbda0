package io.metadb.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The schema version of a metadb file: the one this library writes and reads, and how a
 * file records its own ({@code meta.schema_version}, SPEC §2.3). Migrations upgrade to it;
 * snapshots refuse a file at another version. Stateless and thread-safe.
 */
public final class SchemaVersion {
    /** The schema version this library creates and reads: the last {@code vN} tag of the changelogs. */
    public static final int HEAD = 12;

    /** The {@code meta} key holding the schema version. */
    public static final String KEY = "schema_version";

    private SchemaVersion() {}

    /**
     * The one line for a database at another version than {@link #HEAD}, or null at HEAD:
     * {@code "meta.db has schema version 7; this metadb reads version 11 (run: metadb migrate)"},
     * or {@code "(upgrade metadb)"} for a newer one.
     *
     * @param database the database as the user named it
     * @param verb what this metadb does with it ({@code reads}, {@code copies})
     * @param migrate the command that upgrades it
     */
    public static String mismatch(Object database, int version, String verb, String migrate) {
        if (version == HEAD) {
            return null;
        }
        return database + " has schema version " + version + "; this metadb " + verb + " version " + HEAD
                + (version < HEAD ? " (run: " + migrate + ")" : " (upgrade metadb)");
    }

    /**
     * The version recorded in the {@code meta} table of the attached database {@code schema}
     * ({@code main} for the connection's own file; null for the connection's own database on
     * either engine); 0 if it has no {@code meta} table or no
     * version row (a new or foreign file). Plain JDBC, not jOOQ: a snapshot taken at start-up
     * must not wait for jOOQ's class initialisation, which another thread does meanwhile.
     *
     * @throws SQLException if the file cannot be read
     * @throws IllegalStateException if the recorded version is not a number
     */
    public static int read(Connection c, String schema) throws SQLException {
        String value;
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM " + (schema == null ? "" : schema + ".")
                + "meta WHERE key = ?")) {
            ps.setString(1, KEY);
            try (ResultSet rs = ps.executeQuery()) {
                value = rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table") || PgDatabases.isUndefinedTable(e)) {
                return 0;
            }
            throw e;
        }
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("meta." + KEY + " is not a number: '" + value + "'", e);
        }
    }
}
