package dev.forgeperf.command;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.runtime.ThreadActivity;
import dev.forgeperf.runtime.VirtualThreads;
import dev.forgeperf.util.Durations;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code threads PID [--top N] [-i INTERVAL] [--json]}: the threads that used the most CPU over an interval, with stacks sampled during it. */
@Command(name = "threads", description = {"Show the threads that used the most CPU over an interval, with their stacks sampled during it.",
        "Per thread: CPU time over the interval and its share of one core (the JVM's per-thread CPU clocks), allocation rate,",
        "state, blocked/waited count deltas, and from stack samples taken during the interval (every interval/20,",
        "10 to 100 ms apart: every 50 ms for 1s) the states seen, the most frequent top frames and the most frequent stack.",
        "Threads started or ended during the interval count for the part they lived. forge-perf's own threads are summed apart,",
        "never ranked. On JDK 21+ one line under the table counts the virtual threads: the JDK keeps no CPU time per virtual",
        "thread (their CPU counts on their carrier threads), so they are not ranked; `dump threads` shows their stacks."})
public final class ThreadsCommand extends AgentCommand {
    @Option(names = {"-n", "--top"}, paramLabel = "N", description = "How many threads to show (default: ${DEFAULT-VALUE}).")
    int top = 10;

    @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", description = "How long to measure (default: ${DEFAULT-VALUE}; 100ms to 10m).")
    String interval = "1s";

    @Option(names = "--json", description = "Print JSON (nanoseconds, bytes, CPU share as a fraction of one core).")
    boolean json;

    /** The longest interval accepted. */
    static final long MAX_INTERVAL_NANOS = 600_000_000_000L;

    @Override
    public int run(AgentContext agent, Session session) throws Exception {
        long nanos;
        try {
            nanos = Durations.parseNanos(interval);
        } catch (IllegalArgumentException e) {
            throw new CommandException("bad --interval '" + interval + "': " + e.getMessage(), 2);
        }
        if (nanos < 100_000_000L || nanos > MAX_INTERVAL_NANOS) {
            throw new CommandException("--interval must be between 100ms and 10m, got " + interval, 2);
        }
        if (top < 1) {
            throw new CommandException("--top must be at least 1, got " + top, 2);
        }
        String unsupported = ThreadActivity.unsupported();
        if (unsupported != null) {
            throw new CommandException(unsupported);
        }
        long period = Math.max(10_000_000L, Math.min(100_000_000L, nanos / 20));
        ThreadActivity activity = ThreadActivity.measure(nanos, period, wait -> {
            try {
                return session.await(wait, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        // virtual threads have no CPU clock of their own in the JDK: counted (the JDK's thread dump), not ranked
        VirtualThreads.Attempt virtual = VirtualThreads.attempt();
        if (json) {
            java.util.Map<String, Object> m = activity.toMap(top);
            if (virtual.dump() != null) {
                m.put("virtualThreads", virtual.dump().total());
            } else if (virtual.whyNot() != null) {
                m.put("virtualThreadsNotCounted", virtual.whyNot());
            }
            session.out.println(Json.write(m));
        } else {
            session.out.print(activity.render(top));
            if (virtual.dump() != null) {
                session.out.printf("virtual threads: %d alive, not ranked (the JDK keeps no CPU time per virtual thread; what they use counts on the"
                        + " carrier threads they ran on); `forge-perf dump threads %d` shows their stacks%n", virtual.dump().total(), ProcessHandle.current().pid());
            } else if (virtual.whyNot() != null) {
                session.out.println("virtual threads: not counted: " + virtual.whyNot());
            }
        }
        return 0;
    }
}
