package dev.forgeperf.runtime;

import static dev.forgeperf.runtime.VirtualThreads.MAX_FRAMES;
import static dev.forgeperf.runtime.VirtualThreads.MAX_GROUPS;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.runtime.VirtualThreads.Group;
import dev.forgeperf.util.Units;

/**
 * The text form of {@link VirtualThreads} (what {@code dump threads} appends after the platform
 * threads, and a snapshot's {@code threads.txt}): a summary line (count, distinct stacks, mounted,
 * states, when and how long the JDK's dump took), then each group with its count, states, example
 * names, carriers and frames, largest first. Renders only: reads an immutable dump and keeps
 * nothing, so any thread may call it.
 */
final class VirtualThreadsText {
    private VirtualThreadsText() {
    }

    /**
     * The section for {@code v} with its {@code maxGroups} largest groups listed and the rest counted
     * in one line (at most {@code maxGroups} x {@value VirtualThreads#MAX_FRAMES} frames).
     */
    static String render(VirtualThreads v, int maxGroups) {
        List<Group> groups = v.groups();
        StringBuilder b = new StringBuilder(8 * 1024);
        b.append(String.format(Locale.ROOT, "Virtual threads: %d in %d distinct stack%s, %d mounted%s (HotSpotDiagnosticMXBean.dumpThreads at %s, %s)%n",
                v.total(), groups.size(), groups.size() == 1 ? "" : "s", v.mounted(), statesText(v.states()), Instant.ofEpochMilli(v.timeMillis()),
                Units.nanos(v.tookNanos())));
        if (v.ungroupedThreads() > 0) {
            b.append(String.format(Locale.ROOT, "(%d virtual threads on stacks past the first %d distinct ones are counted above, not listed)%n", v.ungroupedThreads(), MAX_GROUPS));
        }
        int listed = 0;
        for (Group g : groups) {
            if (listed++ == maxGroups) {
                int threads = 0;
                for (Group rest : groups.subList(maxGroups, groups.size())) {
                    threads += rest.count;
                }
                b.append(String.format(Locale.ROOT, "%n(%d more distinct stack%s with %d virtual thread%s not listed here; `forge-perf dump threads PID` lists up to %d stacks)%n",
                        groups.size() - maxGroups, groups.size() - maxGroups == 1 ? "" : "s", threads, threads == 1 ? "" : "s", MAX_GROUPS));
                break;
            }
            b.append('\n').append(g.count).append(g.count == 1 ? " virtual thread" : " virtual threads").append(statesText(g.states));
            b.append(": ").append(String.join(", ", g.examples)).append(g.count > g.examples.size() ? ", …" : "").append('\n');
            if (g.mounted > 0) {
                b.append("   mounted: ").append(g.mounted).append(" on ").append(String.join(", ", g.carriers))
                        .append(g.carrierIds.size() > g.carriers.size() ? ", …" : "").append('\n');
            }
            if (g.stack.isEmpty()) {
                b.append("\t(no Java frames)\n");
            }
            for (String f : g.stack) {
                b.append("\tat ").append(f).append('\n');
            }
            if (g.truncated) {
                b.append("\t… (deeper frames not kept: more than ").append(MAX_FRAMES).append(")\n");
            }
        }
        return b.toString();
    }

    private static String statesText(Map<String, Integer> states) {
        if (states.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (");
        states.forEach((k, v) -> b.append(b.length() == 2 ? "" : ", ").append(k).append(' ').append(v));
        return b.append(')').toString();
    }
}
