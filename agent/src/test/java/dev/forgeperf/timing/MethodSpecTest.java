package dev.forgeperf.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;

class MethodSpecTest {
    static class Repo {
        String find(String id, int limit) {
            return id + limit;
        }

        String find(long id) {
            return "" + id;
        }

        @dev.forgeperf.Timed
        void annotated() {
        }

        void plain() {
        }
    }

    static MethodDescription method(Class<?> c, String name, Class<?>... params) throws Exception {
        return new MethodDescription.ForLoadedMethod(c.getDeclaredMethod(name, params));
    }

    @Test
    void classAndMethodGlobs() throws Exception {
        MethodSpec s = MethodSpec.parse("dev.forgeperf.timing.*Test$R*#fi*");
        assertTrue(s.typeMatcher().matches(TypeDescription.ForLoadedType.of(Repo.class)));
        assertFalse(s.typeMatcher().matches(TypeDescription.ForLoadedType.of(String.class)));
        assertTrue(s.methodMatcher().matches(method(Repo.class, "find", long.class)));
        assertFalse(s.methodMatcher().matches(method(Repo.class, "plain")));

        MethodSpec single = MethodSpec.parse("dev.*#x");
        assertFalse(single.typeMatcher().matches(TypeDescription.ForLoadedType.of(Repo.class)), "* stays within a segment");
        MethodSpec deep = MethodSpec.parse("dev.**#x");
        assertTrue(deep.typeMatcher().matches(TypeDescription.ForLoadedType.of(Repo.class)), "** crosses packages");
        MethodSpec simple = MethodSpec.parse("MethodSpecTest$Repo#find");
        assertTrue(simple.typeMatcher().matches(TypeDescription.ForLoadedType.of(Repo.class)), "no dot: any package");
    }

    interface Shape {
        double area();
    }

    abstract static class Polygon implements Shape {
        @Override
        public abstract double area();
    }

    static final class Square extends Polygon {
        @Override
        public double area() {
            return 1;
        }
    }

    static final class Circle implements Shape {
        @Override
        public double area() {
            return Math.PI;
        }
    }

    @Test
    void plusMatchesTheTypeAndEverySubtype() throws Exception {
        MethodSpec s = MethodSpec.parse("dev.forgeperf.timing.MethodSpecTest$Shape+#area");
        assertTrue(s.subtypes());
        for (Class<?> c : List.of(Square.class, Circle.class)) {
            assertTrue(s.typeMatcher().matches(TypeDescription.ForLoadedType.of(c)), c.getName());
        }
        for (Class<?> c : List.of(Shape.class, Polygon.class)) {
            assertFalse(s.typeMatcher().matches(TypeDescription.ForLoadedType.of(c)), c.getName() + ": nothing to time");
        }
        assertFalse(s.typeMatcher().matches(TypeDescription.ForLoadedType.of(Repo.class)));
        assertFalse(s.typeMatcher().matches(TypeDescription.ForLoadedType.of(Object.class)));
        assertTrue(s.methodMatcher().matches(method(Square.class, "area")));
        assertFalse(s.methodMatcher().matches(method(Polygon.class, "area")), "abstract: no code to time");
        assertFalse(MethodSpec.parse("java.lang.Runnable+#run").targetsJdk(), "implementations, not the JDK's type");

        MethodSpec plain = MethodSpec.parse("dev.forgeperf.timing.MethodSpecTest$Shape#area");
        assertFalse(plain.subtypes());
        assertFalse(plain.typeMatcher().matches(TypeDescription.ForLoadedType.of(Square.class)));
        assertEquals(List.of("dev.forgeperf.timing.MethodSpecTest$Shape#area()"), plain.abstractMethodsNamed(TypeDescription.ForLoadedType.of(Shape.class)));
        assertEquals(List.of(), plain.abstractMethodsNamed(TypeDescription.ForLoadedType.of(Square.class)));
        assertEquals("dev.forgeperf.timing.MethodSpecTest$Shape+#area", plain.withSubtypes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("a.B+x#y"));
        assertTrue(e.getMessage().contains("unexpected character '+'"), e.getMessage());
    }

    @Test
    void parameterTypesFullOrSimple() throws Exception {
        for (String spec : List.of("**Repo#find(java.lang.String,int)", "**Repo#find(String, int)")) {
            MethodSpec s = MethodSpec.parse(spec);
            assertTrue(s.methodMatcher().matches(method(Repo.class, "find", String.class, int.class)), spec);
            assertFalse(s.methodMatcher().matches(method(Repo.class, "find", long.class)), spec);
        }
        MethodSpec none = MethodSpec.parse("**Repo#plain()");
        assertTrue(none.methodMatcher().matches(method(Repo.class, "plain")));
    }

    @Test
    void annotationSpecs() throws Exception {
        for (String spec : List.of("@Timed", "@dev.forgeperf.Timed", "@com.acme.Timed")) {
            MethodSpec s = MethodSpec.parse(spec);
            assertTrue(s.isAnnotation());
            assertTrue(s.typeMatcher().matches(TypeDescription.ForLoadedType.of(Repo.class)), spec);
            assertTrue(s.methodMatcher().matches(method(Repo.class, "annotated")), spec);
            assertFalse(s.methodMatcher().matches(method(Repo.class, "plain")), spec);
        }
        MethodSpec other = MethodSpec.parse("@com.acme.Profiled");
        assertFalse(other.methodMatcher().matches(method(Repo.class, "annotated")));
    }

    @Test
    void malformedSpecsNameTheProblem() {
        assertEquals("malformed method spec 'com.acme.Foo#ba%r': unexpected character '%' at position 16",
                assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("com.acme.Foo#ba%r")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("com.acme.Foo")).getMessage().contains("missing '#'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("#x")).getMessage().contains("no class"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("a.B#")).getMessage().contains("no method"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("a.B#c(int")).getMessage().contains("missing ')'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("a.B#c(int,)")).getMessage().contains("empty parameter"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("a B#c")).getMessage().contains("' ' at position 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("  ")).getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MethodSpec.parse("@")).getMessage().contains("annotation"));
    }

    @Test
    void jdkSpecsAreRecognised() {
        assertTrue(MethodSpec.parse("java.util.ArrayList#add").targetsJdk());
        assertTrue(MethodSpec.parse("jdk.internal.misc.Unsafe#*").targetsJdk());
        assertFalse(MethodSpec.parse("com.acme.Foo#bar").targetsJdk());
    }
}
