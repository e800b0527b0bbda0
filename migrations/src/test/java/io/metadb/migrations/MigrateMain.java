package io.metadb.migrations;

/**
 * Child-process entry for the crash and adoption tests: prints MIGRATING, migrates the file or PostgreSQL
 * URL in args[0], printing RAN and the id of each changeset as it ran, then the result; with args[1],
 * stops after that changeset ran (its transaction open), prints PAUSED and waits to be killed.
 */
public final class MigrateMain {
    private MigrateMain() {}

    public static void main(String[] args) throws InterruptedException {
        io.metadb.core.Location db = io.metadb.core.Location.parse(args[0]);
        String pauseAfter = args.length > 1 ? args[1] : null;
        System.out.println("MIGRATING");
        System.out.flush();
        long started = System.nanoTime();
        MigrationResult result = Migrations.apply(db, id -> {
            System.out.println("RAN " + id + " " + (System.nanoTime() - started) / 1_000_000 + " ms");
            System.out.flush();
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
        System.out.println("DONE " + (System.nanoTime() - started) / 1_000_000 + " ms");
        System.out.println(result);
    }

    /** The result line a child running this class printed (after its RAN and DONE lines). */
    static String result(io.metadb.migrations.testing.ChildJvm child) throws java.io.IOException {
        String line;
        while ((line = child.readLine()) != null) {
            if (line.startsWith("MigrationResult")) {
                return line;
            }
        }
        throw new IllegalStateException("the child ended without a result");
    }
}
