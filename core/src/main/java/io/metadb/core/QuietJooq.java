package io.metadb.core;

/**
 * A library prints nothing (issue 26): jOOQ logs a banner, a "tip of the day" and an INFO
 * line naming the database version the first time it runs a statement, through the service's
 * logging (slf4j, else java.util.logging, whose default handler writes INFO to stderr).
 * Before metadb's first jOOQ context, this turns off the banner and the tip and raises the
 * version line's logger to WARN (a real version mismatch still warns). A property the
 * service has set itself is left as it is, so a service can have them back.
 */
final class QuietJooq {
    static {
        quietUnlessSet("org.jooq.no-logo", "true");
        quietUnlessSet("org.jooq.no-tips", "true");
        quietUnlessSet("org.jooq.log.org.jooq.impl.DefaultExecuteContext.logVersionSupport", "WARN");
    }

    private QuietJooq() {}

    /** Runs the static initialiser once; a no-op after that. */
    static void ensure() {
        // the work is in the class's initialiser, which the JVM runs once and thread-safely
    }

    private static void quietUnlessSet(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
