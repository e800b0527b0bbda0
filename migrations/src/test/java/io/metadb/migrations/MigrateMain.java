package io.metadb.migrations;

import java.nio.file.Path;

/**
 * Child-process entry for the crash and adoption tests: migrates the file in args[0]; with
 * args[1], stops after that changeset ran (lock held), prints PAUSED and waits to be killed.
 */
public final class MigrateMain {
    private MigrateMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path db = Path.of(args[0]);
        String pauseAfter = args.length > 1 ? args[1] : null;
        MigrationResult result = Migrations.apply(db, id -> {
            if (id.equals(pauseAfter)) {
                System.out.println("PAUSED");
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        System.out.println(result);
    }
}
