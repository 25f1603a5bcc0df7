package dev.forgeperf.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Our JFR parser against the JDK's own reader as the oracle, and against damaged input. */
class JfrParserTest {
    @TempDir
    Path tmp;

    /** Every kind: the folded stacks and values we read equal what the JDK's RecordingFile says. */
    @Test
    void sameStacksAndValuesAsTheJdksReader() throws Exception {
        Path jfr = Recorded.jfr();
        for (Kind kind : Kind.values()) {
            if (kind == Kind.LIVE) {
                continue; // LiveObjects reads these events with the JDK's reader itself
            }
            Profile p = JfrReader.read(jfr, kind, ProfileOptions.DEFAULT);
            Map<String, long[]> expected = oracle(jfr, kind);
            for (int t = 0; t < 2; t++) {
                Map<String, Long> ours = new TreeMap<>();
                StringWriter w = new StringWriter();
                CollapsedWriter.write(p, t, w);
                if (kind == Kind.WALL && t == 0) {
                    continue; // off-CPU time becomes samples rounded per call-tree node: checked by the value (t = 1)
                }
                for (String line : w.toString().lines().toList()) {
                    int space = line.lastIndexOf(' ');
                    ours.merge(line.substring(0, space), Long.parseLong(line.substring(space + 1)), Long::sum);
                }
                Map<String, Long> theirs = new TreeMap<>();
                int type = t;
                expected.forEach((stack, v) -> {
                    if (v[type] != 0) {
                        theirs.put(stack, v[type]);
                    }
                });
                // wall: off-CPU time: the JDK's reader takes a wait's duration as end time minus start time, each
                // converted from ticks, ours converts the duration's ticks; and both clip to the recording's
                // span: each event may differ by a few ns, so a stack's sum by up to 1 µs or a few ns per event
                // (under load the recording runs longer and a stack sums more waits), and a wait ending at the
                // span's start is 0 ns for one, a few ns for the other (compared as missing = 0 ns)
                long perEvent = kind == Kind.WALL ? ROUNDING_PER_EVENT_NANOS : 0;
                long floor = kind == Kind.WALL ? 1_000 : 0;
                assertSameButForUnknown(theirs, ours, expected, perEvent, floor, kind.id() + " " + p.sampleTypes().get(t));
            }
        }
    }

    /**
     * Equal stack by stack (within {@code floor} or {@code perEvent} per event), except what moved
     * between {@code [unknown]} and real stacks: an event whose stack trace is not in its own chunk
     * (written into the previous one at a chunk rotation, seen on a busy machine) is looked up in
     * the previous chunk by our reader; the JDK's reader resolves some of those and not others. So
     * every difference beyond rounding must go the way the two {@code [unknown]} totals differ, and
     * add up to no more than that difference: time is only ever moved out of {@code [unknown]}, never
     * between two real stacks, and nothing is lost (the totals are compared too).
     */
    private static void assertSameButForUnknown(Map<String, Long> theirs, Map<String, Long> ours, Map<String, long[]> expected, long perEvent,
            long floor, String what) {
        java.util.Set<String> stacks = new java.util.TreeSet<>(theirs.keySet());
        stacks.addAll(ours.keySet());
        long unknownMoved = theirs.getOrDefault("[unknown]", 0L) - ours.getOrDefault("[unknown]", 0L); // > 0: ours resolved more
        long moved = 0;
        long slack = 0;
        List<String> apart = new java.util.ArrayList<>();
        for (String stack : stacks) {
            if (stack.equals("[unknown]")) {
                continue;
            }
            long a = theirs.getOrDefault(stack, 0L);
            long b = ours.getOrDefault(stack, 0L);
            long events = expected.containsKey(stack) ? Math.max(1, expected.get(stack)[0]) : 1;
            long tolerance = Math.max(floor, perEvent * events);
            slack += tolerance;
            if (Math.abs(a - b) > tolerance) {
                if (Long.signum(b - a) != Long.signum(unknownMoved)) {
                    apart.add(stack + ": " + a + " (JDK's reader) vs " + b + " (ours) over " + events + " events, not explained by [unknown] ("
                            + unknownMoved + " moved)");
                }
                moved += b - a;
            }
        }
        long unknownTolerance = Math.max(floor, perEvent * Math.max(1, expected.containsKey("[unknown]") ? expected.get("[unknown]")[0] : 1));
        if (Math.abs(moved) > Math.abs(unknownMoved) + slack + unknownTolerance) {
            apart.add("moved out of [unknown]: " + moved + " but the [unknown] totals differ by " + unknownMoved);
        }
        long totalTheirs = theirs.values().stream().mapToLong(Long::longValue).sum();
        long totalOurs = ours.values().stream().mapToLong(Long::longValue).sum();
        if (Math.abs(totalTheirs - totalOurs) > slack + unknownTolerance) {
            apart.add("totals: " + totalTheirs + " (JDK's reader) vs " + totalOurs + " (ours)");
        }
        assertTrue(apart.isEmpty(), () -> what + ": stacks apart:\n" + String.join("\n", apart) + "\ntheirs " + theirs + "\nours " + ours);
    }

    /** How far the two readers' nanoseconds of one wait may be apart (tick conversions rounded apart). */
    private static final long ROUNDING_PER_EVENT_NANOS = 4;

    /** The part of an event's duration inside {@code span} (start and end, epoch nanoseconds). */
    static long clipped(RecordedEvent e, long[] span) {
        long start = e.getStartTime().getEpochSecond() * 1_000_000_000L + e.getStartTime().getNano();
        long end = start + e.getDuration().toNanos();
        return Math.max(0, Math.min(end, span[1]) - Math.max(start, span[0]));
    }

    /** Folded stacks of a kind as the JDK's reader sees them: [count, value] per stack. */
    private static Map<String, long[]> oracle(Path jfr, Kind kind) throws Exception {
        Map<String, long[]> out = new TreeMap<>();
        JfrFile file = JfrFile.check(jfr);
        long[] span = {file.startEpochNanos(), file.endEpochNanos()};
        long period = 10_000_000L;
        try (RecordingFile f = new RecordingFile(jfr)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                String name = e.getEventType().getName();
                boolean wanted = switch (kind) {
                    case CPU -> name.equals("jdk.ExecutionSample");
                    case WALL -> name.equals("jdk.ExecutionSample") || name.equals("jdk.NativeMethodSample") || Kind.BLOCKED_EVENTS.contains(name);
                    case ALLOC -> name.equals("jdk.ObjectAllocationSample");
                    case LOCK -> name.equals("jdk.JavaMonitorEnter");
                    case PARK -> name.equals("jdk.ThreadPark");
                    case LIVE -> false;
                };
                if (!wanted || Recorded.onAgentThread(e)) {
                    continue;
                }
                StringBuilder stack = new StringBuilder();
                if (e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
                    stack.append("[unknown]");
                } else {
                    List<RecordedFrame> frames = e.getStackTrace().getFrames();
                    for (int i = frames.size() - 1; i >= 0; i--) {
                        RecordedFrame fr = frames.get(i);
                        stack.append(fr.getMethod().getType().getName()).append('.').append(fr.getMethod().getName());
                        if (i > 0) {
                            stack.append(';');
                        }
                    }
                }
                long[] v = out.computeIfAbsent(stack.toString(), k -> new long[2]);
                v[0]++;
                v[1] += switch (kind) {
                    case CPU -> period;
                    case WALL -> Kind.BLOCKED_EVENTS.contains(name) ? clipped(e, span) : period;
                    case ALLOC -> e.getLong("weight");
                    case LOCK, PARK -> e.getDuration().toNanos();
                    case LIVE -> 0;
                };
            }
        }
        return out;
    }

    /** Damage anywhere gives a one-line "corrupted" (or "truncated") error or a profile, never another exception. */
    @Test
    void damagedRecordingsFailCleanly() throws Exception {
        byte[] good = Files.readAllBytes(Recorded.jfr());
        java.util.Random random = new java.util.Random(42);
        int failures = 0;
        for (int round = 0; round < 60; round++) {
            byte[] bad = good.clone();
            int at = 68 + random.nextInt(bad.length - 100);
            for (int i = 0; i < 12; i++) {
                bad[at + i] = (byte) random.nextInt(256);
            }
            Path file = Files.write(tmp.resolve("bad" + round + ".jfr"), bad);
            for (Kind kind : List.of(Kind.CPU, Kind.LOCK)) {
                try {
                    JfrReader.read(file, kind, ProfileOptions.DEFAULT.withThreads(true));
                } catch (ProfileException e) {
                    failures++;
                    assertTrue(e.getMessage().startsWith(file + ": corrupted JFR recording: ") || e.getMessage().startsWith(file + ": truncated"),
                            e.getMessage());
                    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
                } catch (RuntimeException | Error e) {
                    fail("damage at byte " + at + " gave " + e, e);
                }
            }
        }
        assertTrue(failures > 0, "some damage must be noticed");
    }
}
