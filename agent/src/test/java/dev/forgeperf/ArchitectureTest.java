package dev.forgeperf;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;

import dev.forgeperf.archfixture.one.Ping;
import dev.forgeperf.archfixture.two.Pong;

/**
 * The package layers of docs/architecture.md, checked on the compiled agent classes (bytecode, so
 * fully qualified names and inlined lambdas count as much as imports): no package cycle; each
 * package uses only packages of lower layers; only the CLI uses {@code cli}; the boot-loader part
 * ({@code bootstrap} and the public API in {@code dev.forgeperf}) uses nothing else of ours.
 * Adding an edge that breaks a layer fails the build: move the code down, or give it a new home.
 */
class ArchitectureTest {
    /** Bottom to top: a package may use the packages of lower layers, never its own layer's siblings or higher ones. */
    static final List<List<String>> LAYERS = List.of(
            List.of("util"),
            List.of("config"),
            List.of("profile", "runtime"),
            List.of("timing", "jfr", "control"),
            List.of("snapshot"),
            List.of("report"),
            List.of("context"),
            List.of("command"),
            List.of("http"),
            List.of("agent"),
            List.of("cli"));

    private static JavaClasses agent;

    @BeforeAll
    static void importAgentClasses() throws Exception {
        // the compiled main classes (target/classes), not a scan of the whole class path
        Path classes = Path.of(ForgePerf.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        agent = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPath(classes);
        assertTrue(agent.contain("dev.forgeperf.agent.Agent"), "the agent's classes were not found in " + classes);
    }

    private static String pkg(String name) {
        return "dev.forgeperf." + name + "..";
    }

    @Test
    void everyPackageIsInALayer() {
        Set<String> packages = new TreeSet<>();
        for (JavaClass c : agent) {
            String p = c.getPackageName();
            if (p.startsWith("dev.forgeperf.") && !p.startsWith("dev.forgeperf.bootstrap")) {
                packages.add(p.substring("dev.forgeperf.".length()).split("\\.")[0]);
            }
        }
        Set<String> layered = new TreeSet<>();
        LAYERS.forEach(layered::addAll);
        assertEquals(layered, packages, "a new package needs its place in ArchitectureTest.LAYERS and docs/architecture.md");
    }

    @Test
    void noPackageCycle() {
        slices().matching("dev.forgeperf.(*)..").should().beFreeOfCycles().check(agent);
    }

    @Test
    void eachPackageUsesOnlyLowerLayers() {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            List<String> notBelow = new ArrayList<>();
            for (int j = i; j < LAYERS.size(); j++) {
                LAYERS.get(j).forEach(p -> notBelow.add(pkg(p)));
            }
            for (String p : LAYERS.get(i)) {
                String[] forbidden = notBelow.stream().filter(q -> !q.equals(pkg(p))).toArray(String[]::new);
                EvaluationResult r = noClasses().that().resideInAPackage(pkg(p))
                        .should().dependOnClassesThat().resideInAnyPackage(forbidden).evaluate(agent);
                if (r.hasViolation()) {
                    failures.add(p + " reaches its own layer or above:\n" + String.join("\n", r.getFailureReport().getDetails()));
                }
            }
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    @Test
    void onlyTheCliUsesTheCli() {
        noClasses().that().resideOutsideOfPackage(pkg("cli")).should().dependOnClassesThat().resideInAPackage(pkg("cli")).check(agent);
        noClasses().that().resideInAPackage(pkg("cli")).should().dependOnClassesThat()
                .resideInAnyPackage(pkg("agent"), pkg("http"), pkg("context")).check(agent);
    }

    @Test
    void theBootLoaderPartUsesNothingElseOfOurs() {
        ArchRule rule = noClasses().that().resideInAnyPackage("dev.forgeperf", pkg("bootstrap"))
                .should().dependOnClassesThat().resideInAnyPackage(LAYERS.stream().flatMap(List::stream).map(ArchitectureTest::pkg).toArray(String[]::new));
        rule.check(agent);
    }

    @Test
    void theRulesCatchACycle() {
        JavaClasses cyclic = new ClassFileImporter().importClasses(Ping.class, Pong.class);
        EvaluationResult r = slices().matching("dev.forgeperf.archfixture.(*)..").should().beFreeOfCycles().evaluate(cyclic);
        assertTrue(r.hasViolation());
        assertFalse(slices().matching("dev.forgeperf.archfixture.(*)..").should().beFreeOfCycles()
                .evaluate(new ClassFileImporter().importClasses(Ping.class)).hasViolation());
    }
}
