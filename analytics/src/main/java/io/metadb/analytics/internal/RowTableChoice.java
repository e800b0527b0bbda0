package io.metadb.analytics.internal;

import io.metadb.core.BadInputException;
import io.metadb.generated.envelope.RowTable;
import io.metadb.generated.envelope.RowTables;
import java.util.List;

/** A report's {@code --table T}: every table hot-tables covers, or the one named. Stateless. */
public final class RowTableChoice {
    private RowTableChoice() {}

    /**
     * Every table with an id and a ts if {@code name} is null, else that one.
     *
     * @throws IllegalArgumentException naming the tables if there is none of that name
     */
    public static List<RowTable> of(String name) {
        if (name == null) {
            return RowTables.rowTables();
        }
        List<RowTable> tables = RowTables.rowTables().stream().filter(t -> t.name().equals(name)).toList();
        if (tables.isEmpty()) {
            throw new BadInputException("unknown table '" + name + "'; tables are: "
                    + String.join(", ", RowTables.rowTables().stream().map(RowTable::name).sorted().toList()));
        }
        return tables;
    }
}
