package io.metadb.dao;

import java.nio.file.Path;

/**
 * Child process for issue 10 §4: opens a handle from a shutdown hook (the JVM refuses new
 * hooks then), prints how the open failed and how many writer threads are left running.
 */
public final class OpenAtShutdownMain {
    private OpenAtShutdownMain() {}

    public static void main(String[] args) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                MetaDb.open(Path.of(args[0])).close();
                System.out.println("OPENED");
            } catch (IllegalStateException e) {
                System.out.println("REFUSED " + e.getMessage());
            }
            long writers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("metadb-writer")).count();
            System.out.println("WRITER THREADS " + writers);
            System.out.flush();
        }));
    }
}
