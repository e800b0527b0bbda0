package io.metadb.cli;

import io.metadb.core.SchemaVersion;
import io.metadb.core.SqliteFiles;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;

/**
 * What {@code metadb --version} prints: metadb's version and the commit it was built from
 * (written into the jar at build time; "unknown" outside a git checkout), the schema version
 * it reads and writes, the SQLite library it runs (asked of SQLite itself) and the JVM.
 */
final class VersionInfo implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return lines().toArray(String[]::new);
    }

    static List<String> lines() {
        Properties build = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            // an unreadable jar entry: the version says "unknown"
        }
        return List.of("metadb " + build.getProperty("version", "unknown") + " (commit " + build.getProperty("commit", "unknown") + ")",
                "schema version " + SchemaVersion.HEAD + " (reads and writes it; metadb migrate upgrades an older file)",
                sqlite(),
                "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.vendor") + ") on " + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch"));
    }

    private static String sqlite() {
        try (Connection c = SqliteFiles.memory(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
            rs.next();
            return "SQLite " + rs.getString(1) + " (sqlite-jdbc " + c.getMetaData().getDriverVersion() + ")";
        } catch (SQLException e) {
            return "SQLite: cannot load it (" + e.getMessage() + ")";
        }
    }
}
