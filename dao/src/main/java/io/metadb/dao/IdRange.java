package io.metadb.dao;

/**
 * The ids given to the rows of one write, {@code first..last} inclusive and contiguous.
 *
 * @param first the first row's id
 * @param last the last row's id ({@code first - 1} for an empty write)
 */
public record IdRange(long first, long last) {
    public long count() {
        return last - first + 1;
    }
}
