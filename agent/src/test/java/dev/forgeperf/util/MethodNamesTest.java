package dev.forgeperf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class MethodNamesTest {
    private static final String PARAMS = "(javax.servlet.http.HttpServletRequest,javax.servlet.http.HttpServletResponse,javax.servlet.FilterChain)";

    /** The three rows: cut from the left they all printed as …nternal(HttpServletRequest,HttpServletResponse,FilterChain). */
    @Test
    void filtersThatEndAlikeStayApartAndKeepClassAndMethod() {
        List<String> names = List.of(
                "org.springframework.web.filter.CharacterEncodingFilter#doFilterInternal" + PARAMS,
                "org.springframework.web.filter.FormContentFilter#doFilterInternal" + PARAMS,
                "org.springframework.web.filter.RequestContextFilter#doFilterInternal" + PARAMS);
        List<String> shown = MethodNames.shorten(names, 60);
        assertEquals(List.of("o.s.w.f.CharacterEncodingFilter#doFilterInternal(…)", "o.s.w.f.FormContentFilter#doFilterInternal(…)",
                "o.s.w.f.RequestContextFilter#doFilterInternal(…)"), shown);
    }

    @Test
    void eachFormIsTriedInTurn() {
        String name = "com.acme.billing.InvoiceService#total(java.lang.String,int)";
        assertEquals(List.of(name), MethodNames.shorten(List.of(name), name.length()));
        assertEquals(List.of("com.acme.billing.InvoiceService#total(String,int)"), MethodNames.shorten(List.of(name), 50));
        assertEquals(List.of("c.a.b.InvoiceService#total(String,int)"), MethodNames.shorten(List.of(name), 40));
        assertEquals(List.of("c.a.b.InvoiceService#total(…)"), MethodNames.shorten(List.of(name), 30));
        assertEquals(List.of("InvoiceService#total(…)"), MethodNames.shorten(List.of(name), 24));
        String cut = MethodNames.shorten(List.of(name), 16).get(0);
        assertEquals(16, cut.length(), cut);
        assertTrue(cut.startsWith("Inv") && cut.endsWith("#total(…)"), cut);
        assertEquals(List.of("c.a.Repo#find()"), MethodNames.shorten(List.of("com.acme.Repo#find()"), 15));
    }

    @Test
    void overloadsFallBackToTheirParameters() {
        List<String> names = List.of("com.acme.billing.InvoiceService#total(java.lang.String,int)",
                "com.acme.billing.InvoiceService#total(java.lang.String,long)", "com.acme.billing.InvoiceService#count()");
        List<String> shown = MethodNames.shorten(names, 30);
        assertEquals(List.of("c.a.b.InvoiceService#total(String,int)", "c.a.b.InvoiceService#total(String,long)", "c.a.b.InvoiceService#count()"),
                shown);
        // types that differ only by package: the packages come back
        names = List.of("com.acme.Repo#find(com.acme.a.Key)", "com.acme.Repo#find(com.acme.b.Key)");
        assertEquals(names, MethodNames.shorten(names, 10));
        // same simple class name in two packages
        names = List.of("com.acme.a.Repo#find()", "com.acme.b.Repo#find()", "org.other.Repo#find()");
        assertEquals(List.of("c.a.a.Repo#find()", "c.a.b.Repo#find()", "o.o.Repo#find()"), MethodNames.shorten(names, 5));
    }

    @Test
    void manyNamesAreAlwaysDistinctAndEqualNamesStayEqual() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            names.add("org.example.p" + (i % 7) + ".Service" + (i % 13) + "#handle" + (i % 3) + "(java.lang.String" + (i % 2 == 0 ? "" : ",int") + ")");
        }
        names.add(names.get(5));
        List<String> shown = MethodNames.shorten(names, 20);
        assertEquals(new HashSet<>(names).size(), new HashSet<>(shown).size(), shown::toString);
        assertEquals(shown.get(5), shown.get(names.size() - 1));
    }

    @Test
    void otherNamesAreCutInTheMiddleAndSuffixesKept() {
        assertEquals("track…ckout", MethodNames.shorten(List.of("track:checkout"), 11).get(0));
        assertEquals(11, MethodNames.shorten(List.of("track:checkout-and-pay"), 11).get(0).length());
        assertEquals(List.of("c.a.Repo#find(…) [webapp-2]"), MethodNames.shorten(List.of("com.acme.Repo#find(java.lang.String) [webapp-2]"), 27));
    }
}
