package io.metadb.analytics.report;

import static io.metadb.generated.Tables.COMMUNICATION_EVENTS;
import static io.metadb.generated.Tables.EVENTS;
import static io.metadb.generated.Tables.SOURCE_CURSORS;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.min;

import io.metadb.analytics.Args;
import io.metadb.analytics.Known;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.ReportContext;
import io.metadb.analytics.Request;
import io.metadb.analytics.TableCopy;
import io.metadb.core.EventStatus;
import io.metadb.payload.CommunicationEvent;
import java.time.Instant;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;

/** {@code delivery CHANNEL}: the channel's outbox (all time), cursor, and traffic in the window; none if unknown. */
public final class DeliveryReport extends Report<DeliveryReport.Params, DeliveryReport.Row> {
    public record Params(String channel, Instant since) {}

    public record Row(long pending, long delivered, long failed, Instant oldestPendingTs, Instant lastDeliveredTs,
            String lastError, String cursor, long received, long sent, long commFailed) {}

    private static final Param<String> CHANNEL = Param.positional("channel", "CHANNEL", "the source/channel, e.g. imessage").naming(Known.CHANNELS);
    private static final Param<Instant> SINCE = Param.since("24h", "window for received/sent/comm_failed");

    public static final DeliveryReport REPORT = new DeliveryReport();

    private DeliveryReport() {
        super("delivery", Row.class, Shape.METRICS, "A channel's outbox (all time), cursor, and traffic in the window.",
                List.of(CHANNEL, SINCE), List.of("delivery imessage", "delivery slack --since 7d"));
    }

    public static Request<Params, Row> of(String channel, Instant since) {
        return REPORT.request(new Params(channel, since));
    }

    @Override
    protected Params params(Args args) {
        return new Params(args.get(CHANNEL), args.get(SINCE));
    }

    /**
     * The channel's events (all time up to now, with today's statuses: the outbox keeps no
     * history), its cursor (today's), and its traffic in the window.
     */
    @Override
    public List<TableCopy> reads(Params p, Instant now) {
        return List.of(TableCopy.of(EVENTS).where(EVENTS.SOURCE.eq(p.channel())).within(null, now),
                TableCopy.of(SOURCE_CURSORS).where(SOURCE_CURSORS.SOURCE.eq(p.channel())),
                TableCopy.of(COMMUNICATION_EVENTS).where(COMMUNICATION_EVENTS.CHANNEL.eq(p.channel())).within(p.since(), now));
    }

    @Override
    protected List<Row> run(ReportContext context, Params p) {
        DSLContext dsl = context.dsl();
        String channel = p.channel();
        Condition mine = EVENTS.SOURCE.eq(channel).and(EVENTS.TS.le(context.now()));
        Record counts = dsl.select(count().filterWhere(EVENTS.STATUS.eq(EventStatus.PENDING)),
                        count().filterWhere(EVENTS.STATUS.eq(EventStatus.DELIVERED)),
                        count().filterWhere(EVENTS.STATUS.eq(EventStatus.FAILED)),
                        min(EVENTS.TS).filterWhere(EVENTS.STATUS.eq(EventStatus.PENDING)),
                        max(EVENTS.DELIVERED_TS))
                .from(EVENTS).where(mine).fetchOne();
        String lastError = dsl.select(EVENTS.LAST_ERROR).from(EVENTS).where(mine).and(EVENTS.STATUS.eq(EventStatus.FAILED))
                .orderBy(EVENTS.TS.desc(), EVENTS.ID.desc()).limit(1).fetchOne(EVENTS.LAST_ERROR);
        String cursor = dsl.select(SOURCE_CURSORS.CURSOR).from(SOURCE_CURSORS).where(SOURCE_CURSORS.SOURCE.eq(channel))
                .fetchOne(SOURCE_CURSORS.CURSOR);
        Record comm = dsl.select(count().filterWhere(COMMUNICATION_EVENTS.EVENT.eq(CommunicationEvent.RECEIVED)),
                        count().filterWhere(COMMUNICATION_EVENTS.EVENT.eq(CommunicationEvent.SENT)),
                        count().filterWhere(COMMUNICATION_EVENTS.EVENT.eq(CommunicationEvent.FAILED)),
                        count())
                .from(COMMUNICATION_EVENTS).where(COMMUNICATION_EVENTS.CHANNEL.eq(channel))
                .and(COMMUNICATION_EVENTS.TS.between(p.since(), context.now())).fetchOne();
        long events = counts.get(0, Long.class) + counts.get(1, Long.class) + counts.get(2, Long.class);
        if (events == 0 && cursor == null && comm.get(3, Long.class) == 0) {
            return List.of();
        }
        return List.of(new Row(counts.get(0, Long.class), counts.get(1, Long.class), counts.get(2, Long.class),
                counts.get(3, Instant.class), counts.get(4, Instant.class), lastError, cursor,
                comm.get(0, Long.class), comm.get(1, Long.class), comm.get(2, Long.class)));
    }
}
