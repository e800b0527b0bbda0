package io.metadb.cli;

import io.metadb.dao.MetaDb;
import io.metadb.payload.CliInvocation;
import io.metadb.payload.CommunicationEvent;
import io.metadb.payload.Tick;
import io.metadb.payload.TokenUsage;
import io.metadb.payload.WatchdogEvent;
import java.nio.file.Path;
import java.util.List;

/**
 * A writer process for load tests: {@code PaceWriterMain DB SECONDS MULTIPLE} writes the five
 * hot tables at MULTIPLE times SPEC §6's 24-hour pace (token_usage 6,086, cli_invocations
 * 5,227, watchdog_events 2,533, ticks 2,007, communication_events 1,785 rows a day), in the
 * same proportions, through one {@link MetaDb}, for SECONDS; then prints the rows written.
 */
public final class PaceWriterMain {
    private PaceWriterMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path db = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        double multiple = Double.parseDouble(args[2]);
        double[] perDay = {6_086, 5_227, 2_533, 2_007, 1_785};
        long[] done = new long[perDay.length];
        long written = 0;
        try (MetaDb meta = MetaDb.open(db)) {
            long start = System.nanoTime(); // after opening: the pace is of writes, not of start-up
            long tick = 0;
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                Thread.sleep(100);
                tick++;
                double elapsedDays = (System.nanoTime() - start) / 1e9 / 86_400;
                for (int t = 0; t < perDay.length; t++) {
                    // As many rows as the pace asks by now (a slow round catches up in the next).
                    while (done[t] < (long) (perDay[t] * multiple * elapsedDays)) {
                        done[t]++;
                        written++;
                        String agent = "agent" + (written % 7);
                        switch (t) {
                            case 0 -> meta.dao(TokenUsage.class).record(new TokenUsage(agent, null, "anthropic",
                                    "claude-load", 1000 + tick, 100, null, null, 0.01));
                            case 1 -> meta.dao(CliInvocation.class).record(new CliInvocation(agent, "git",
                                    List.of("status"), tick % 10 == 0 ? 1 : 0, 40 + tick % 50, null));
                            case 2 -> meta.dao(WatchdogEvent.class).record(new WatchdogEvent(agent, "load-check",
                                    tick % 20 == 0 ? WatchdogEvent.RED : WatchdogEvent.GREEN, null));
                            case 3 -> meta.dao(Tick.class).record(new Tick(agent, "load", Tick.OK, tick % 100));
                            default -> meta.dao(CommunicationEvent.class).record(new CommunicationEvent(agent, "loadchan",
                                    CommunicationEvent.IN, CommunicationEvent.RECEIVED, null, null));
                        }
                    }
                }
            }
            meta.flush();
        }
        System.out.println(written);
    }
}
