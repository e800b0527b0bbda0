package io.metadb.migrations.internal;

import io.metadb.core.SchemaVersion;
import io.metadb.migrations.MigrationException;
import io.metadb.migrations.SchemaTooNewException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;

/** The one check of a database's schema version before migrating it, for both engines. */
public final class VersionCheck {
    private VersionCheck() {}

    /**
     * The version {@code c} records ({@code schema}: the attached database, null for the
     * connection's own), 0 if none yet.
     *
     * @throws SchemaTooNewException if it is newer than this library's
     * @throws MigrationException if it cannot be read, with {@code reason}'s words for why
     */
    public static int version(Connection c, String schema, Object db, Function<Throwable, String> reason) {
        int version;
        try {
            version = SchemaVersion.read(c, schema);
        } catch (SQLException | IllegalStateException e) {
            throw new MigrationException("cannot read the schema version of " + db + ": " + reason.apply(e), e);
        }
        if (version > SchemaVersion.HEAD) {
            throw new SchemaTooNewException(db.toString(), version, SchemaVersion.HEAD);
        }
        return version;
    }
}
