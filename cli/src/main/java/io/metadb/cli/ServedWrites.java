package io.metadb.cli;

import io.metadb.dao.MetaDb;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * What a write command run inside a server writes with: the server's one writer (opened on
 * its first write), and the request's body as the command's standard input.
 *
 * @param writers the server's writer
 * @param input what {@code -} (standard input) reads: the request's body after the command line
 */
record ServedWrites(Supplier<MetaDb> writers, InputStream input) {
    MetaDb writer() {
        return writers.get();
    }
}
