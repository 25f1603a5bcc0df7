package dev.forgeperf.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.TimingSnapshot;

class ClockCostTest {
    @Test
    void aReadCostsWhatALoopOfReadsTakesPerRead() {
        long read = ClockCost.readNanos();
        assertTrue(read >= 1 && read < 100_000, "ns per System.nanoTime(): " + read);
        assertEquals(read, ClockCost.readNanos(), "measured once");
        // an independent count: reads done in a known span can not have been cheaper than the cheapest batch
        long reads = 0;
        long start = System.nanoTime();
        long end = start;
        while (end - start < 20_000_000L) {
            end = System.nanoTime();
            reads++;
        }
        assertTrue((end - start) / (double) reads >= read * 0.5, "20 ms of reads: " + (end - start) / (double) reads + " ns each, measured " + read);
    }

    @Test
    void rowsWhoseMedianIsAFewClockReadsAreMarkedInTextAndJson() {
        MethodStats tiny = new MethodStats("tiny");
        MethodStats slow = new MethodStats("slow");
        for (int i = 0; i < 1000; i++) {
            tiny.record(ClockCost.readNanos() * 2, false);
            slow.record(10_000_000L, false);
        }
        TimingSnapshot t = tiny.snapshot();
        TimingSnapshot s = slow.snapshot();
        Map<String, Object> tinyRow = TimingTable.row(t, true);
        Map<String, Object> slowRow = TimingTable.row(s, true);
        assertEquals(Boolean.TRUE, tinyRow.get("nearClock"), tinyRow::toString);
        assertEquals(Boolean.FALSE, slowRow.get("nearClock"), slowRow::toString);
        assertEquals(ClockCost.readNanos(), slowRow.get("clockReadNanos"));

        StringWriter both = new StringWriter();
        TimingTable.print(new PrintWriter(both, true), List.of(t, s), Set.of("tiny", "slow"));
        String text = both.toString();
        String tinyLine = text.lines().filter(l -> l.startsWith("tiny ")).findFirst().orElseThrow();
        String slowLine = text.lines().filter(l -> l.startsWith("slow ")).findFirst().orElseThrow();
        assertTrue(tinyLine.contains("^"), text);
        assertFalse(slowLine.contains("^"), text);
        assertTrue(text.contains("^ median under 10 clock reads"), text);

        StringWriter slowOnly = new StringWriter();
        TimingTable.print(new PrintWriter(slowOnly, true), List.of(s), Set.of("slow"));
        assertFalse(slowOnly.toString().contains("^"), slowOnly::toString);
    }
}
