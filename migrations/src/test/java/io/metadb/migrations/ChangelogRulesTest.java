package io.metadb.migrations;

import io.metadb.core.SchemaVersion;
import static org.assertj.core.api.Assertions.assertThat;

import io.metadb.migrations.internal.ChangelogCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Migration checks (c) additive-only from v10 and (d) released changesets are frozen. */
class ChangelogRulesTest {

    @Test
    void theChangelogIsAdditiveFromV10On() {
        assertThat(ChangelogCheck.additiveViolations(Migrations.CHANGELOG)).isEmpty();
    }

    @Test
    void theLintFailsOnDropsRenamesAndNotNullColumnsWithoutDefault() {
        List<String> violations = ChangelogCheck.additiveViolations("lint/not-additive.xml");

        assertThat(violations).hasSize(5);
        assertThat(violations.get(0)).startsWith("lint/not-additive.xml::drop-column::t (v10) drops a column");
        assertThat(violations.get(1)).startsWith("lint/not-additive.xml::rename-table::t (v10) renames a table or column");
        assertThat(violations.get(2)).startsWith("lint/not-additive.xml::not-null-no-default::t (v10) adds a NOT NULL column without a default");
        assertThat(violations.get(3)).startsWith("lint/not-additive.xml::drop-table-sql::t (v10) drops a table");
        assertThat(violations.get(4)).startsWith("lint/not-additive.xml::drop-table-change::t (v10) uses DropTableChange");
    }

    @Test
    void releasedChangesetsAreUnchanged() throws IOException {
        List<String> manifest = releasedManifest();
        assertThat(manifest.stream().filter(l -> !l.startsWith("#"))).hasSize(ChangelogCheck.parse(Migrations.CHANGELOG).size());

        assertThat(ChangelogCheck.frozenViolations(Migrations.CHANGELOG, manifest)).isEmpty();
    }

    @Test
    void aChangedOrRemovedReleasedChangesetFails() throws IOException {
        List<String> manifest = new ArrayList<>(releasedManifest());
        int tokenUsage = indexOf(manifest, "db/changelog/v06.sql::token_usage::metadb=");
        manifest.set(tokenUsage, "db/changelog/v06.sql::token_usage::metadb=9:00000000000000000000000000000000");
        manifest.add("db/changelog/v03.sql::dropped::metadb=9:11111111111111111111111111111111");

        List<String> violations = ChangelogCheck.frozenViolations(Migrations.CHANGELOG, manifest);

        assertThat(violations).hasSize(2);
        assertThat(violations.get(0)).startsWith("db/changelog/v06.sql::token_usage::metadb was released with checksum 9:0000")
                .endsWith("released changesets are frozen, add a new changeset instead");
        assertThat(violations.get(1)).isEqualTo(
                "db/changelog/v03.sql::dropped::metadb was released and is gone: released changesets are never removed");
    }

    @Test
    void headConstantsMatchTheChangelog() {
        List<ChangelogCheck.VersionedChangeSet> changeSets = ChangelogCheck.parse(Migrations.CHANGELOG);
        assertThat(changeSets.get(changeSets.size() - 1).version()).isEqualTo(SchemaVersion.HEAD);
        // Each engine runs HEAD_CHANGESETS of them: its own SQL changesets and the shared tags.
        for (String dbms : List.of("sqlite", "postgresql")) {
            assertThat(changeSets.stream().filter(c -> appliesTo(c, dbms))).as(dbms).hasSize(Migrations.HEAD_CHANGESETS);
            assertThat(ChangelogCheck.parse(Migrations.CHANGELOG, dbms)).as(dbms).hasSize(Migrations.HEAD_CHANGESETS);
        }
        // Each SQL changeset has its twin on the other engine, in the same file and version.
        for (ChangelogCheck.VersionedChangeSet c : changeSets) {
            if (appliesTo(c, "sqlite") && !appliesTo(c, "postgresql")) {
                assertThat(changeSets).as(c.key()).anyMatch(p -> p.changeSet().getId().equals("pg-" + c.changeSet().getId())
                        && p.version() == c.version() && p.changeSet().getFilePath().equals(c.changeSet().getFilePath())
                        && appliesTo(p, "postgresql") && !appliesTo(p, "sqlite"));
            }
        }
        Map<String, String> sums = ChangelogCheck.checksums(Migrations.CHANGELOG);
        assertThat(sums).hasSize(changeSets.size());
    }

    private static boolean appliesTo(ChangelogCheck.VersionedChangeSet c, String dbms) {
        java.util.Set<String> set = c.changeSet().getDbmsSet();
        return set == null || set.isEmpty() || set.contains(dbms);
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError(prefix + " not in manifest");
    }

    private static List<String> releasedManifest() throws IOException {
        try (InputStream in = ChangelogRulesTest.class.getClassLoader().getResourceAsStream(ChangelogCheck.RELEASED_CHECKSUMS)) {
            assertThat(in).as(ChangelogCheck.RELEASED_CHECKSUMS).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
