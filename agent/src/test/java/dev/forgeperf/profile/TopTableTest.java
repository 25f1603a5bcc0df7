package dev.forgeperf.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

class TopTableTest {
    private static final long MS = 1_000_000;

    /**
     * A calibrated CPU profile: the CPU time of a thread never sampled has no samples, only CPU
     * time; sampled functions' CPU time is not in proportion to their sample counts.
     */
    private static Profile calibrated() {
        Profile p = new Profile(Kind.CPU.sampleTypes(), Kind.CPU.primary());
        int main = p.child(Profile.ROOT, p.frame(p.function("app.Main.run", ""), 0, FrameKind.JAVA));
        int a = p.child(main, p.frame(p.function("app.Work.a", ""), 0, FrameKind.JAVA));
        int b = p.child(main, p.frame(p.function("app.Work.b", ""), 0, FrameKind.JAVA));
        p.add(a, 0, 10);
        p.add(a, 1, 900 * MS);
        p.add(b, 0, 40); // more samples, less CPU time (another thread's, scaled down)
        p.add(b, 1, 400 * MS);
        int unsampled = p.child(Profile.ROOT, p.frame(p.function(CpuCalibrator.UNSAMPLED, ""), 0, FrameKind.OTHER));
        p.add(unsampled, 1, 600 * MS);
        return p;
    }

    @Test
    void aCpuProfileLeadsWithCpuTimeAndTheUnsampledRemainderIsARow() {
        TopTable t = TopTable.leading(calibrated());
        assertEquals("cpu", t.sampleType().type());
        List<String> order = t.rows().stream().filter(r -> r.self() > 0).map(TopTable.Row::function).toList();
        assertEquals(List.of("app.Work.a", CpuCalibrator.UNSAMPLED, "app.Work.b"), order);
        assertEquals(t.sum(), t.rows().stream().mapToLong(TopTable.Row::self).sum(), "the rows' self time adds up to the total");
        assertEquals(1900 * MS, t.sum());

        StringWriter s = new StringWriter();
        t.print(new PrintWriter(s), "cpu profile", 2);
        List<String> lines = s.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("cpu profile: cpu/nanoseconds, total 1.90s, samples 50"), lines.get(0));
        List<String> rows = lines.stream().dropWhile(l -> !l.contains("FUNCTION")).skip(1).toList();
        assertEquals(2, rows.size(), s::toString);
        assertTrue(rows.get(0).matches("\\s+900\\.00ms\\s+47\\.37%\\s+900\\.00ms\\s+47\\.37%\\s+app\\.Work\\.a"), rows.get(0));
        assertTrue(rows.get(1).matches("\\s+600\\.00ms\\s+31\\.58%\\s+600\\.00ms\\s+31\\.58%\\s+\\Q" + CpuCalibrator.UNSAMPLED + "\\E"), rows.get(1));
    }

    @Test
    void otherProfilesKeepTheirPrimaryType() {
        Profile p = new Profile(Kind.ALLOC.sampleTypes(), Kind.ALLOC.primary());
        p.add(p.child(Profile.ROOT, p.frame(p.function("app.X.alloc", ""), 0, FrameKind.JAVA)), Kind.ALLOC.primary(), 5);
        assertEquals(p.sampleTypes().get(Kind.ALLOC.primary()), TopTable.leading(p).sampleType());
    }
}
