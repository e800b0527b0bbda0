package io.metadb.migrations;

/** A file's schema is newer than this library's: opening it would risk misreading it. */
public final class SchemaTooNewException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int fileVersion;
    private final int libraryVersion;

    public SchemaTooNewException(String file, int fileVersion, int libraryVersion) {
        super(file + " has schema version " + fileVersion + ", newer than this metadb's schema version "
                + libraryVersion + "; upgrade metadb to open it");
        this.fileVersion = fileVersion;
        this.libraryVersion = libraryVersion;
    }

    /** The file's {@code meta.schema_version}. */
    public int fileVersion() {
        return fileVersion;
    }

    /** The highest schema version this library knows. */
    public int libraryVersion() {
        return libraryVersion;
    }
}
