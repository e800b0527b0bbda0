package io.metadb.migrations.internal;

import io.metadb.migrations.MigrationException;
import io.metadb.migrations.Migrations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import liquibase.ChecksumVersion;
import liquibase.Scope;
import liquibase.change.Change;
import liquibase.change.AbstractSQLChange;
import liquibase.change.core.TagDatabaseChange;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.ResourceAccessor;

/**
 * Static checks of a changelog that CI runs as tests: the additive-only rule from a given
 * schema version on, and the checksums of released changesets. Stateless; thread-safe.
 */
public final class ChangelogCheck {
    /** Classpath location of the committed checksums of released changesets. */
    public static final String RELEASED_CHECKSUMS = "db/released-checksums.txt";
    /** The author of every metadb changeset. */
    public static final String AUTHOR = "metadb";
    /** The first schema version whose changes must be additive. */
    public static final int ADDITIVE_FROM_VERSION = 10;

    private static final List<Rule> RULES = List.of(
            new Rule("drops a table", "\\bDROP\\s+TABLE\\b"),
            new Rule("drops a column", "\\bDROP\\s+COLUMN\\b"),
            new Rule("renames a table or column", "\\bALTER\\s+TABLE\\s+\\S+\\s+RENAME\\b"),
            new Rule("retypes a column", "\\bALTER\\s+(COLUMN|TABLE\\s+\\S+\\s+ALTER)\\b"),
            new Rule("adds a NOT NULL column without a default",
                    "\\bADD\\s+(COLUMN\\s+)?(?![^;]*\\bDEFAULT\\b)[^;]*\\bNOT\\s+NULL\\b"));

    private record Rule(String what, Pattern pattern) {
        Rule(String what, String regex) {
            this(what, Pattern.compile(regex, Pattern.CASE_INSENSITIVE));
        }
    }

    /** A changeset with the schema version it belongs to (the next {@code vN} tag). */
    public record VersionedChangeSet(ChangeSet changeSet, int version) {
        /** {@code file::id::author}, as Liquibase identifies a changeset. */
        public String key() {
            return changeSet.getFilePath() + "::" + changeSet.getId() + "::" + changeSet.getAuthor();
        }
    }

    private ChangelogCheck() {}

    /**
     * The changesets of {@code changelog} that engine {@code dbms} ({@code sqlite},
     * {@code postgresql}) runs, in order, each tagged with its schema version.
     */
    public static List<VersionedChangeSet> parse(String changelog, String dbms) {
        return parse(changelog).stream().filter(c -> c.changeSet().getDbmsSet() == null
                || c.changeSet().getDbmsSet().isEmpty() || c.changeSet().getDbmsSet().contains(dbms)).toList();
    }

    /** Parses a changelog from the classpath (both engines' changesets), each tagged with its schema version. */
    public static List<VersionedChangeSet> parse(String changelog) {
        ResourceAccessor accessor = new ClassLoaderResourceAccessor(ChangelogCheck.class.getClassLoader());
        Map<String, Object> scope = LiquibaseRunner.quietScope(); // no log lines on a user's terminal (migrate --status)
        scope.put(Scope.Attr.resourceAccessor.name(), accessor);
        try {
            DatabaseChangeLog log = Scope.child(scope, () -> ChangeLogParserFactory.getInstance()
                    .getParser(changelog, accessor).parse(changelog, new ChangeLogParameters(), accessor));
            List<VersionedChangeSet> out = new ArrayList<>();
            List<ChangeSet> pending = new ArrayList<>();
            for (ChangeSet cs : log.getChangeSets()) {
                pending.add(cs);
                for (Change change : cs.getChanges()) {
                    if (change instanceof TagDatabaseChange tag) {
                        int version = Integer.parseInt(tag.getTag().substring(1));
                        pending.forEach(p -> out.add(new VersionedChangeSet(p, version)));
                        pending.clear();
                    }
                }
            }
            pending.forEach(p -> out.add(new VersionedChangeSet(p, Integer.MAX_VALUE)));
            return out;
        } catch (Exception e) {
            throw new MigrationException("cannot parse changelog " + changelog + ": " + e.getMessage(), e);
        }
    }

    /**
     * Changes from {@link #ADDITIVE_FROM_VERSION} on that are not additive: dropping,
     * renaming or retyping a table or column, or adding a NOT NULL column without default.
     *
     * @return one line per violation, empty if the changelog is additive
     */
    public static List<String> additiveViolations(String changelog) {
        List<String> violations = new ArrayList<>();
        for (VersionedChangeSet vcs : parse(changelog)) {
            if (vcs.version() < ADDITIVE_FROM_VERSION) {
                continue;
            }
            for (Change change : vcs.changeSet().getChanges()) {
                String name = change.getClass().getSimpleName();
                if (change instanceof AbstractSQLChange sql) {
                    String text = stripComments(sql.getSql() == null ? "" : sql.getSql());
                    for (Rule rule : RULES) {
                        if (rule.pattern().matcher(text).find()) {
                            violations.add(vcs.key() + " (v" + vcs.version() + ") " + rule.what()
                                    + ": schema changes from v" + ADDITIVE_FROM_VERSION + " on must be additive");
                        }
                    }
                } else if (name.startsWith("Drop") || name.startsWith("Rename") || name.startsWith("ModifyDataType")
                        || name.startsWith("AddNotNullConstraint") || name.startsWith("AddColumn")
                        || name.startsWith("MergeColumns")) {
                    violations.add(vcs.key() + " (v" + vcs.version() + ") uses " + name
                            + ": write changesets as additive SQL (Liquibase's change types rebuild SQLite tables)");
                }
            }
        }
        return violations;
    }

    /** Checksums of every changeset of a changelog, keyed by {@link VersionedChangeSet#key()}. */
    public static Map<String, String> checksums(String changelog) {
        Map<String, String> out = new LinkedHashMap<>();
        for (VersionedChangeSet vcs : parse(changelog)) {
            out.put(vcs.key(), vcs.changeSet().generateCheckSum(ChecksumVersion.latest()).toString());
        }
        return out;
    }

    /**
     * Released changesets whose checksum changed or that disappeared.
     *
     * @param released lines {@code key=checksum} of the committed manifest
     */
    public static List<String> frozenViolations(String changelog, List<String> released) {
        Map<String, String> now = checksums(changelog);
        List<String> violations = new ArrayList<>();
        for (String line : released) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.lastIndexOf('=');
            String key = line.substring(0, eq);
            String sum = line.substring(eq + 1);
            String current = now.get(key);
            if (current == null) {
                violations.add(key + " was released and is gone: released changesets are never removed");
            } else if (!current.equals(sum)) {
                violations.add(key + " was released with checksum " + sum + " and now has " + current
                        + ": released changesets are frozen, add a new changeset instead");
            }
        }
        return violations;
    }

    private static String stripComments(String sql) {
        return sql.replaceAll("--[^\\n]*", " ").replaceAll("(?s)/\\*.*?\\*/", " ").toUpperCase(Locale.ROOT);
    }

    /**
     * Freezes the current changelog: writes every changeset's checksum to the manifest file
     * given as the only argument (run when releasing a schema version).
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ChangelogCheck <released-checksums.txt>");
        }
        StringBuilder out = new StringBuilder("# Released changesets: file::id::author=checksum. Frozen: a test fails\n"
                + "# if one changes or disappears. Regenerate only when releasing a new schema version.\n");
        checksums(Migrations.CHANGELOG).forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        Files.writeString(Path.of(args[0]), out.toString(), StandardCharsets.UTF_8);
    }
}
