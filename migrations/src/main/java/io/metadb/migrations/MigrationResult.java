package io.metadb.migrations;

/**
 * What {@link Migrations#apply} did to a file.
 *
 * @param fromVersion schema version before (0 for a new or empty file)
 * @param toVersion schema version after
 * @param changesetsRun changesets Liquibase executed (0 when the file was already current)
 * @param adopted the file had no Liquibase history and was adopted at {@code fromVersion}
 * @param staleLockCleared a lock left by a killed migration was released
 * @param repaired the file had one changeset applied but not recorded (an earlier metadb
 *     killed between the two), and it was recorded before migrating on
 */
public record MigrationResult(int fromVersion, int toVersion, int changesetsRun, boolean adopted,
        boolean staleLockCleared, boolean repaired) {}
