package dev.forgeperf.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the slow timed calls of a recording: the {@code forge.MethodTiming} events forge-perf's
 * timing writes for calls at least as long as the slow-call threshold (see
 * {@code dev.forgeperf.timing.SlowCallsToJfr}). The event is committed when the call returns, so
 * a call spans {@code [event time - elapsed, event time]} on the event's thread.
 *
 * <p>Streams the file chunk by chunk (memory-mapped, as inside a host JVM); other events are
 * skipped undecoded. Keeps at most {@link #MAX_CALLS} calls (40 bytes each); {@link Result#dropped}
 * counts the rest. Not thread-safe.
 */
public final class SlowCalls {
    /** The most calls one read keeps: 40 MB at most. */
    public static final int MAX_CALLS = 1_000_000;
    /** The event's name. */
    public static final String EVENT = "forge.MethodTiming";

    private SlowCalls() {
    }

    /** One slow call: its method's display name, its thread's Java id, its end (epoch nanoseconds) and length. */
    public record Call(String method, long javaThreadId, long endEpochNanos, long elapsedNanos) {
        public long startEpochNanos() {
            return endEpochNanos - elapsedNanos;
        }
    }

    /** The calls read, in file order, and how many more there were beyond {@link #MAX_CALLS}. */
    public record Result(List<Call> calls, long dropped) {
    }

    private static final int START = 0;
    private static final int THREAD = 1;
    private static final int ELAPSED = 2;

    /**
     * The calls of the methods named {@code methods} (display names, as the event's {@code method}
     * field) in {@code jfr}.
     *
     * @throws ProfileException for input that is not a complete, well-formed JFR file
     */
    public static Result read(Path jfr, Set<String> methods) throws IOException {
        JfrFile file = JfrFile.check(jfr);
        List<Call> calls = new ArrayList<>();
        long dropped = 0;
        long[] longs = new long[3];
        String[] texts = new String[1];
        try (JfrParser p = new JfrParser(jfr, file.length(), true)) {
            while (p.nextChunk()) {
                JfrParser.Type t = p.type(EVENT);
                if (t == null) {
                    continue;
                }
                int[] roles = new int[t.fields.size()];
                for (int i = 0; i < roles.length; i++) {
                    roles[i] = switch (t.fields.get(i).name) {
                        case "startTime" -> START;
                        case "eventThread" -> THREAD;
                        case "elapsed" -> ELAPSED;
                        case "method" -> 0;
                        default -> -1;
                    };
                }
                LongIntMap javaIds = new LongIntMap(64);
                long type;
                while ((type = p.nextEvent()) >= 0) {
                    if (type != t.id) {
                        continue;
                    }
                    texts[0] = null;
                    p.readFields(t, roles, longs, texts);
                    if (texts[0] == null || !methods.contains(texts[0])) {
                        continue;
                    }
                    if (calls.size() >= MAX_CALLS) {
                        dropped++;
                        continue;
                    }
                    int tid = javaIds.get(longs[THREAD]);
                    if (tid < 0) {
                        long id = p.threadJavaId(longs[THREAD]);
                        tid = id > 0 && id < Integer.MAX_VALUE ? (int) id : 0;
                        javaIds.put(longs[THREAD], tid);
                    }
                    calls.add(new Call(texts[0], tid, p.ticksToEpochNanos(longs[START]), Math.max(0, longs[ELAPSED])));
                }
            }
        } catch (JfrParser.Corrupt e) {
            throw new ProfileException(jfr + ": corrupted JFR recording: " + e.getMessage(), e);
        }
        return new Result(calls, dropped);
    }
}
