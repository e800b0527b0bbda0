package io.metadb.cli;

/** What a request's token lets it do. */
enum Grant {
    /** No token, or a wrong one. */
    NONE,
    /** The read token: reports, queries, the dashboard. */
    READ,
    /** The write token: writes only. */
    WRITE
}

