package io.metadb.dao;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Child process: takes the file's write lock (BEGIN IMMEDIATE), prints LOCKED, holds it until killed. */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]); Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            System.out.println("LOCKED");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
