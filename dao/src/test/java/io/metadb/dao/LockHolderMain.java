package io.metadb.dao;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Child process: takes the file's write lock (BEGIN IMMEDIATE), prints LOCKED, holds it until
 * killed, or until it reads RELEASE (then rolls back and prints RELEASED). Answers any other
 * line with PONG, so a test can see it still holds the lock.
 */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]); Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            System.out.println("LOCKED");
            System.out.flush();
            // Answers each line while it holds the lock, so a test can see it still does.
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("RELEASE")) {
                    s.execute("ROLLBACK");
                    System.out.println("RELEASED");
                    System.out.flush();
                    continue;
                }
                System.out.println("PONG");
                System.out.flush();
            }
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
