package io.metadb.dao.internal;

import static io.metadb.generated.Tables.IDEMPOTENCY_KEYS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.metadb.dao.IdRange;
import io.metadb.dao.IdempotencyKey;
import io.metadb.dao.Ingested;
import io.metadb.dao.internal.WriteOps.InsertOp;
import io.metadb.dao.internal.WriteOps.Op;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * The {@code idempotency_keys} table (SPEC §3, v12) inside the writer's transaction: which
 * writes of a batch repeat a key already committed, or one taken earlier in the same batch,
 * and the rows that remember the keys of those that write. The key's row commits with the
 * write's rows or not at all, so a retry, however late, finds exactly what was committed.
 * Stateless; writer thread only.
 */
public final class IdempotencyKeys {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IdempotencyKeys() {}

    /** A key as known while deciding a batch: its request's digest and who answers it. */
    private record Known(String requestSha256, Ingested stored, InsertOp first) {}

    /** Decides, for each keyed insert of {@code work}, whether it writes, repeats or is refused. */
    static void decide(WriteSession session, List<Op> work) throws SQLException {
        List<String> keys = new ArrayList<>();
        for (Op op : work) {
            if (op instanceof InsertOp insert) {
                insert.resetDecision();
                if (insert.key != null) {
                    keys.add(insert.key.key());
                }
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        Map<String, Known> known = new HashMap<>();
        DSLContext dsl = session.dsl();
        PreparedStatement find = session.prepared(FIND, () -> dsl.render(dsl.select(IDEMPOTENCY_KEYS.REQUEST_SHA256,
                IDEMPOTENCY_KEYS.ANSWER_JSON).from(IDEMPOTENCY_KEYS).where(IDEMPOTENCY_KEYS.KEY.eq((String) null))));
        for (String key : keys) {
            find.setString(1, key);
            try (ResultSet r = find.executeQuery()) {
                if (r.next()) {
                    known.put(key, new Known(r.getString(1), answer(r.getString(2)), null));
                }
            }
        }
        for (Op op : work) {
            if (!(op instanceof InsertOp insert) || insert.key == null) {
                continue;
            }
            IdempotencyKey key = insert.key;
            Known k = known.get(key.key());
            if (k == null) {
                known.put(key.key(), new Known(key.requestSha256(), null, insert));
            } else if (!k.requestSha256().equals(key.requestSha256())) {
                insert.refused = new IdempotencyKey.ReusedException(key.key());
            } else if (k.stored() != null) {
                insert.repeats = k.stored();
            } else {
                insert.repeatsOp = k.first();
            }
        }
    }

    /** Inserts the key rows of the keyed writes of {@code work} that wrote (after their rows, in the same transaction). */
    static void record(WriteSession session, List<Op> work) throws SQLException {
        String now = Json.ts(Instant.now()); // the real clock: keys are kept for retries in real time, whatever --now says
        DSLContext dsl = session.dsl();
        PreparedStatement insert = null;
        for (Op op : work) {
            if (op instanceof InsertOp keyed && keyed.key != null && keyed.writes()) {
                if (insert == null) {
                    insert = session.prepared(RECORD, () -> dsl.render(dsl.insertInto(IDEMPOTENCY_KEYS, IDEMPOTENCY_KEYS.KEY,
                            IDEMPOTENCY_KEYS.TS, IDEMPOTENCY_KEYS.REQUEST_SHA256, IDEMPOTENCY_KEYS.ANSWER_JSON)
                            .values((String) null, null, null, null)));
                }
                insert.setString(1, keyed.key.key());
                insert.setString(2, now);
                insert.setString(3, keyed.key.requestSha256());
                insert.setString(4, answerJson(keyed.table.name(), keyed.committed()));
                insert.addBatch();
            }
        }
        if (insert != null) {
            insert.executeBatch();
        }
    }

    /** The keys of the writer's statements on this table (prepared once per connection). */
    private static final Object FIND = new Object();
    private static final Object RECORD = new Object();

    /** Deletes keys committed before {@code before}; how many. */
    public static int forget(DSLContext dsl, Instant before) {
        return dsl.deleteFrom(IDEMPOTENCY_KEYS).where(IDEMPOTENCY_KEYS.TS.lt(before)).execute();
    }

    private static String answerJson(String table, Ingested done) {
        ObjectNode o = JSON.createObjectNode();
        o.put("table", table);
        o.put("rows", done.rows());
        o.put("first_id", done.ids().first());
        o.put("last_id", done.ids().last());
        return o.toString();
    }

    private static Ingested answer(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            return new Ingested(new IdRange(o.get("first_id").asLong(), o.get("last_id").asLong()), o.get("rows").asLong(),
                    false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("idempotency_keys holds an answer metadb cannot read: " + json, e);
        }
    }
}
