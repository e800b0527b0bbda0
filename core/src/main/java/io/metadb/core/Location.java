package io.metadb.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where a metadb database is: a SQLite file (a path, the embedded default) or a PostgreSQL
 * database (a URL). What {@code --db}, {@code $METADB_PATH}, {@code MetaDb.open} and the
 * analytics entry points take. Immutable and thread-safe.
 *
 * <p>PostgreSQL URLs: {@code postgresql://[user[:password]@]host[:port]/db[?param=value&…]}
 * (libpq's form; {@code postgres://} too) and {@code jdbc:postgresql://host[:port]/db[?…]}
 * (the driver's, with {@code user=} and {@code password=} parameters). The password is taken
 * from the URL, else {@code $PGPASSWORD}, else the driver reads {@code ~/.pgpass} (or
 * {@code $PGPASSFILE}). It is kept out of {@link #toString()} and every error metadb writes:
 * only {@link #connect()} sees it.
 */
public final class Location {
    private final Engine engine;
    private final Path file;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String display;

    private Location(Engine engine, Path file, String jdbcUrl, String user, String password, String display) {
        this.engine = engine;
        this.file = file;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.display = display;
    }

    /** A SQLite file. */
    public static Location of(Path file) {
        return new Location(Engine.SQLITE, file, null, null, null, file.toString());
    }

    /** Whether {@code text} names a PostgreSQL database rather than a file. */
    public static boolean isUrl(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("postgresql://") || lower.startsWith("postgres://")
                || lower.startsWith("jdbc:postgresql:");
    }

    /**
     * A path or a PostgreSQL URL, as an operator typed it.
     *
     * @throws BadInputException if a URL cannot be read (the message never holds its password)
     */
    public static Location parse(String text) {
        if (!isUrl(text)) {
            return of(Path.of(text));
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        String rest = lower.startsWith("jdbc:postgresql:") ? text.substring("jdbc:postgresql:".length())
                : text.substring(text.indexOf(':') + 1);
        if (!rest.startsWith("//")) {
            throw new BadInputException("a PostgreSQL URL must name a host: postgresql://[user@]host[:port]/database"
                    + " (was " + redact(text) + ")");
        }
        URI uri;
        try {
            uri = new URI("postgresql:" + rest);
        } catch (URISyntaxException e) {
            throw new BadInputException("not a PostgreSQL URL: " + redact(text)
                    + " (postgresql://[user@]host[:port]/database; percent-encode special characters)");
        }
        String host = uri.getHost();
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (host == null || host.isEmpty() || database.isEmpty() || database.contains("/")) {
            throw new BadInputException("a PostgreSQL URL names a host and a database:"
                    + " postgresql://[user@]host[:port]/database (was " + redact(text) + ")");
        }
        Map<String, String> params = query(uri.getRawQuery());
        String user = params.remove("user");
        String password = params.remove("password");
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            if (colon >= 0) {
                password = decode(userInfo.substring(colon + 1));
            }
        }
        if (password == null) {
            String env = System.getenv("PGPASSWORD");
            password = env == null || env.isEmpty() ? null : env;
        }
        if (user == null) {
            String env = System.getenv("PGUSER");
            user = env == null || env.isEmpty() ? System.getProperty("user.name") : env;
        }
        String hostPort = (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(hostPort).append('/')
                .append(encode(database));
        StringBuilder shown = new StringBuilder("postgresql://").append(user).append('@').append(hostPort).append('/')
                .append(database);
        char sep = '?';
        for (Map.Entry<String, String> p : params.entrySet()) {
            jdbc.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
            shown.append(sep).append(p.getKey()).append('=').append(p.getValue());
            sep = '&';
        }
        return new Location(Engine.POSTGRESQL, null, jdbc.toString(), user, password, shown.toString());
    }

    /** {@code text} with whatever follows {@code user:} up to {@code @}, and any {@code password=} value, masked. */
    public static String redact(String text) {
        return text.replaceAll("(?i)(//[^/@:]*:)[^/@]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            params.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The engine, which knows what differs between a file and a server (see {@link Engine}). */
    public Engine engine() {
        return engine;
    }

    /**
     * The SQLite file.
     *
     * @throws IllegalStateException for a PostgreSQL database
     */
    public Path file() {
        if (file == null) {
            throw new IllegalStateException(display + " is a PostgreSQL database, not a file");
        }
        return file;
    }

    /** The driver's URL without the password (PostgreSQL only). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user name metadb connects as (PostgreSQL only). */
    public String user() {
        return user;
    }

    /**
     * A new connection to this PostgreSQL database, auto-commit on, with the properties
     * metadb relies on: UTC sessions, a connect timeout, the application name.
     */
    public Connection connect() throws SQLException {
        return connect(new Properties());
    }

    /** Like {@link #connect()}, with driver properties of the caller's on top. */
    public Connection connect(Properties extra) throws SQLException {
        if (engine != Engine.POSTGRESQL) {
            throw new IllegalStateException(display + " is a SQLite file: open it through SqliteFiles");
        }
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "metadb");
        props.setProperty("connectTimeout", "10");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("options", "-c TimeZone=UTC");
        props.putAll(extra);
        try {
            // The driver itself, as SqliteFiles does: DriverManager would first scan the class
            // path for drivers, a cost every report pays at start-up.
            return new org.postgresql.Driver().connect(jdbcUrl, props);
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + display + ": " + firstLine(e), e.getSQLState(), e);
        }
    }

    private static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }

    /** The path, or the URL with its password left out: safe to print. */
    @Override
    public String toString() {
        return display;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Location other && engine == other.engine && display.equals(other.display);
    }

    @Override
    public int hashCode() {
        return display.hashCode();
    }
}
