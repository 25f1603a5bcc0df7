package dev.forgeperf.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forgeperf.bootstrap.MethodStats;

/** Generated class names fold into one documented name; rows that would share a name are told apart. */
class RowNamesTest {

    @Test
    void generatedNamesFoldTheirVaryingPart() {
        assertEquals("jdk.proxy*.$Proxy*", GeneratedNames.fold("jdk.proxy3.$Proxy27"));
        assertEquals("com.sun.proxy.$Proxy*", GeneratedNames.fold("com.sun.proxy.$Proxy5"));
        assertEquals("com.acme.Repo$$EnhancerBySpringCGLIB$$*", GeneratedNames.fold("com.acme.Repo$$EnhancerBySpringCGLIB$$1a2b3c4d"));
        assertEquals("com.acme.Repo$$SpringCGLIB$$*", GeneratedNames.fold("com.acme.Repo$$SpringCGLIB$$0"));
        assertEquals("com.acme.Repo_$$*", GeneratedNames.fold("com.acme.Repo_$$_jvst8a1_0"));
        assertEquals("com.acme.Repo$ByteBuddy$*", GeneratedNames.fold("com.acme.Repo$ByteBuddy$QmZrxY"));
        assertEquals("com.acme.Repo$MockitoMock$*", GeneratedNames.fold("com.acme.Repo$MockitoMock$1234567"));
        assertEquals("com.acme.Repo$HibernateProxy$*", GeneratedNames.fold("com.acme.Repo$HibernateProxy$Ab12Cd"));
        assertEquals("Script*", GeneratedNames.fold("Script12"));
    }

    @Test
    void namesWrittenByTheCompilerStayAsTheyAre() {
        assertNull(GeneratedNames.fold("com.acme.Outer$1"));
        assertNull(GeneratedNames.fold("com.acme.Base64"));
        assertNull(GeneratedNames.fold("com.acme.Http2Handler$Inner"));
        assertNull(GeneratedNames.fold("com.acme.Script12"));
        assertNull(GeneratedNames.fold("com.acme.ProxyFactory"));
    }

    @Test
    void rowsAreToldApartByParameterPackagesThenByLoader() {
        MethodStats a = new MethodStats("R#find(Order)", "R#find(com.a.Order)", "app@1");
        MethodStats b = new MethodStats("R#find(Order)", "R#find(com.b.Order)", "app@1");
        MethodStats c1 = new MethodStats("S#run()", "S#run()", "webapp-a@2");
        MethodStats c2 = new MethodStats("S#run()", "S#run()", "webapp-b@3");
        MethodStats alone = new MethodStats("T#go(String)", "T#go(java.lang.String)", "app@1");
        Map<MethodStats, String> names = RowNames.displayNames(List.of(a, b, c1, c2, alone));
        assertEquals("R#find(com.a.Order)", names.get(a));
        assertEquals("R#find(com.b.Order)", names.get(b));
        assertEquals("S#run() [webapp-a@2]", names.get(c1));
        assertEquals("S#run() [webapp-b@3]", names.get(c2));
        assertEquals("T#go(String)", names.get(alone), "the short name where nothing collides");
    }

    @Test
    void rowsThatStillCollideAreNumberedInOrder() {
        MethodStats first = new MethodStats("W#run()", "W#run()", "app@1");
        MethodStats second = new MethodStats("W#run()", "W#run()", "app@1");
        MethodStats third = new MethodStats("W#run()", "W#run()", "app@1");
        Map<MethodStats, String> names = RowNames.displayNames(List.of(first, second, third));
        assertEquals("W#run() [app@1]", names.get(first));
        assertEquals("W#run() [app@1] #2", names.get(second));
        assertEquals("W#run() [app@1] #3", names.get(third));
    }
}
