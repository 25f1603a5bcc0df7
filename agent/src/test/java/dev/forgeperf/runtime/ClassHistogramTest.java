package dev.forgeperf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClassHistogramTest {
    @Test
    void arrayNamesBecomeJavaSourceForm() {
        assertEquals("byte[]", ClassHistogram.javaName("[B"));
        assertEquals("boolean[]", ClassHistogram.javaName("[Z"));
        assertEquals("char[]", ClassHistogram.javaName("[C"));
        assertEquals("short[]", ClassHistogram.javaName("[S"));
        assertEquals("int[][]", ClassHistogram.javaName("[[I"));
        assertEquals("long[]", ClassHistogram.javaName("[J"));
        assertEquals("float[]", ClassHistogram.javaName("[F"));
        assertEquals("double[][][]", ClassHistogram.javaName("[[[D"));
        assertEquals("java.lang.String[]", ClassHistogram.javaName("[Ljava.lang.String;"));
        assertEquals("java.lang.Object[][]", ClassHistogram.javaName("[[Ljava.lang.Object;"));
        assertEquals("java.util.HashMap$Node[]", ClassHistogram.javaName("[Ljava.util.HashMap$Node;"));
        assertEquals("java.lang.String[]", ClassHistogram.javaName("[Ljava/lang/String;"));
        assertEquals("com.acme.Foo$$Lambda/0x0000000800c0b000[]", ClassHistogram.javaName("[Lcom.acme.Foo$$Lambda/0x0000000800c0b000;"));
    }

    @Test
    void otherNamesAreLeftAlone() {
        assertEquals("java.lang.String", ClassHistogram.javaName("java.lang.String"));
        assertEquals("byte[]", ClassHistogram.javaName("byte[]"));
        assertEquals("[", ClassHistogram.javaName("["));
        assertEquals("[X", ClassHistogram.javaName("[X"));
        assertEquals("[L;", ClassHistogram.javaName("[L;"));
        assertEquals("", ClassHistogram.javaName(""));
    }

    static final String JCMD = String.join("\n",
            " num     #instances         #bytes  class name (module)",
            "-------------------------------------------------------",
            "   1:         10897       10473056  [B (java.base@17.0.15)",
            "   2:          2057         250200  java.lang.Class (java.base@17.0.15)",
            "   3:          2177         142048  [Ljava.lang.Object; (java.base@17.0.15)",
            "   4:            12            480  dev.forgeperf.sample.LeakedSession",
            "   5:             3            112  [[I (java.base@17.0.15)",
            "Total         15146       10865896",
            "");

    @Test
    void parsesJcmdOutput() {
        List<ClassHistogram.Row> rows = ClassHistogram.parse(JCMD);
        assertEquals(5, rows.size());
        assertEquals(new ClassHistogram.Row(1, 10897, 10473056, "byte[]", "java.base@17.0.15"), rows.get(0));
        assertEquals("java.lang.Object[]", rows.get(2).className());
        assertEquals("dev.forgeperf.sample.LeakedSession", rows.get(3).className());
        assertNull(rows.get(3).module());
        assertEquals("int[][]", rows.get(4).className());
        long[] t = ClassHistogram.totals(rows);
        assertEquals(15146, t[0]);
        assertEquals(10865896, t[1]);
    }

    @Test
    void renderedTextParsesBackToTheSameRows() {
        List<ClassHistogram.Row> rows = ClassHistogram.parse(JCMD);
        String all = ClassHistogram.render(rows, 0);
        assertEquals(rows, ClassHistogram.parse(all));
        String top2 = ClassHistogram.render(rows, 2);
        assertEquals(rows.subList(0, 2), ClassHistogram.parse(top2));
        assertTrue(top2.contains("(3 more classes: 2192 instances"), top2);
        assertTrue(top2.contains("Total          15146       10865896"), top2);
    }
}
