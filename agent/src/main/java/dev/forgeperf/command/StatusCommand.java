package dev.forgeperf.command;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.context.AgentContext;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.Json;
import dev.forgeperf.util.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status PID}: the agent's version, the JVM, and what is enabled. */
@Command(name = "status", description = "Show the agent's version, the JVM, uptime and what is enabled.")
public final class StatusCommand extends AgentCommand {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public int run(AgentContext agent, Session session) {
        Map<String, Object> s = describe(agent);
        if (json) {
            session.out.println(Json.write(s));
            return 0;
        }
        session.out.printf("forge-perf %s agent in pid %d (%s)%n", s.get("agentVersion"), agent.pid(), s.get("mainClass"));
        session.out.printf("  loaded:  %s%n", agent.loadedAtStartup() ? "at startup (-javaagent)" : "by attach");
        session.out.printf("  jvm:     %s %s (%s)%n", s.get("jvmName"), s.get("jvmVersion"), s.get("jvmVendor"));
        session.out.printf("  uptime:  %s%n", Units.span(AgentInfo.uptimeMillis()));
        @SuppressWarnings("unchecked")
        List<String> flags = (List<String>) s.get("jvmFlags");
        session.out.printf("  flags:   %s%n", flags.isEmpty() ? "(none of interest)" : String.join(" ", flags));
        @SuppressWarnings("unchecked")
        Map<String, Object> control = (Map<String, Object>) s.get("control");
        boolean byModes = control != null && "file modes".equals(control.get("peerCheck"));
        session.out.printf("  socket:  %s%s%n", s.get("socket"), byModes ? " (owner and root only by its file modes: no jdk.net module for SO_PEERCRED)" : "");
        @SuppressWarnings("unchecked")
        Map<String, Object> features = (Map<String, Object>) s.get("features");
        for (Map.Entry<String, Object> f : features.entrySet()) {
            session.out.printf("  %-8s %s%n", f.getKey() + ":", f.getValue());
        }
        return 0;
    }

    /** The status as a map (the JSON form); also used by {@code list}. */
    public static Map<String, Object> describe(AgentContext agent) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("pid", agent.pid());
        s.put("mainClass", AgentInfo.mainClass());
        s.put("agentVersion", AgentInfo.VERSION);
        s.put("loadedAt", agent.loadedAtStartup() ? "startup" : "attach");
        s.put("uptimeMillis", AgentInfo.uptimeMillis());
        s.put("jvmName", System.getProperty("java.vm.name"));
        s.put("jvmVersion", System.getProperty("java.runtime.version"));
        s.put("jvmVendor", System.getProperty("java.vm.vendor"));
        s.put("jvmFlags", flagsOfInterest());
        s.put("socket", agent.control() == null ? null : agent.control().socket().toString());
        s.put("control", agent.control() == null ? null : agent.control().toMap());
        s.put("http", agent.httpInfo());
        s.put("features", agent.features());
        return s;
    }

    private static List<String> flagsOfInterest() {
        List<String> out = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-Xmx") || arg.startsWith("-Xms") || arg.startsWith("-Xss")
                    || arg.matches("-XX:[+-]Use\\w+GC") || arg.startsWith("-XX:MaxRAMPercentage")
                    || arg.equals("-XX:+DisableExplicitGC") || arg.equals("-XX:+EnableDynamicAgentLoading")
                    || arg.equals("-XX:+DisableAttachMechanism") || arg.startsWith("-XX:StartFlightRecording")
                    || arg.startsWith("-javaagent") || arg.startsWith("-agentpath") || arg.startsWith("-agentlib")) {
                out.add(AgentOptions.withoutSecrets(arg));
            }
        }
        return out;
    }
}
