package dev.forgeperf.command;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.timing.MethodSpec;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.util.Words;

/** {@code instrument PID SPEC}: start timing the methods a spec matches. */
@Command(name = "instrument", description = {"Start timing methods in a running JVM (see `forge-perf timings`).",
        "SPEC: class-glob#method-glob[(param,types)], e.g. 'com.acme.*Service#handle*', 'com.acme.Repo#find(String,int)',",
        "a type and every subtype, 'com.acme.Handler+#handle' (every implementation of an interface or abstract method,",
        "classes loaded later included), or an annotation, '@com.acme.Timed' (any annotation named Timed counts for a spec naming Timed).",
        "In globs * stays within a package segment, ** crosses packages; a class glob without a dot matches in any package."})
public final class InstrumentCommand extends AgentCommand {
    @Parameters(index = "1", paramLabel = "SPEC", description = "Which methods to time.")
    String spec;

    @Option(names = "--limit", paramLabel = "N", description = "Most loaded classes the spec may match without --force (default: ${DEFAULT-VALUE}).")
    int limit = 500;

    @Option(names = "--force", description = "Instrument even when the spec matches more classes than --limit.")
    boolean force;

    @Option(names = "--allow-jdk", description = "Allow timing JDK classes (java.*, jdk.*, sun.*, com.sun.*).")
    boolean allowJdk;

    @Option(names = "--pending", description = "Install the spec even when it matches no loaded method yet (classes loaded later are timed).")
    boolean pending;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public int run(AgentContext agent, Session session) {
        MethodSpec parsed;
        try {
            parsed = MethodSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), 2);
        }
        TimingService.Request request = new TimingService.Request();
        request.limit = limit;
        request.force = force;
        request.allowJdk = allowJdk;
        request.pending = pending;
        TimingService.Result r;
        try {
            r = agent.timingService().install(parsed, request);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("spec", r.spec);
            m.put("methods", r.methods);
            m.put("classes", r.classes);
            m.put("failures", r.failures);
            m.put("notTimed", r.refused);
            session.out.println(Json.write(m));
        } else {
            session.out.printf("instrumented '%s': %s in %s%n", r.spec, Words.count(r.methods.size(), "method"),
                    Words.count(r.classes.size(), "class"));
            r.methods.forEach(m -> session.out.println("  " + m));
            r.failures.forEach((c, why) -> session.out.println("  failed: " + c + ": " + why));
            if (r.moreClasses > 0) {
                session.out.printf("  and %d more classes transformed (generated, or in other class loaders)%n", r.moreClasses);
            }
            if (r.refused > 0) {
                session.out.printf("  %d more methods not timed: timed.maxMethods (%d) reached; raise it or narrow the spec%n",
                        r.refused, Recorder.maxMethods());
            }
        }
        return r.failures.isEmpty() || !r.methods.isEmpty() ? 0 : 1;
    }
}
