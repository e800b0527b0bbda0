package io.metadb.dao;

import java.nio.file.Path;

/** Another process held the file's write lock for longer than the busy timeout. */
public final class MetaDbLockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetaDbLockedException(Path db, long waitedMs, Throwable cause) {
        super(db + " is locked by another process (waited " + waitedMs + " ms for the write lock; a clone may be"
                + " writing heavily). Find the holder with: lsof " + db.toAbsolutePath() + " (or fuser "
                + db.toAbsolutePath() + ")", cause);
    }
}
