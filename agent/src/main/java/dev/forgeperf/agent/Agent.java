package dev.forgeperf.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.Properties;

import dev.forgeperf.bootstrap.AgentState;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.control.ControlServer;
import dev.forgeperf.timing.MethodSpec;
import dev.forgeperf.timing.SlowCallsToJfr;
import dev.forgeperf.timing.TimingService;

/**
 * The agent proper, one per JVM. Startup ({@code premain}) and dynamic attach ({@code agentmain})
 * share {@link #start}: parse options, open the control socket, start the features. A feature that
 * fails to start is logged once and left off; the host application never sees an exception.
 */
public final class Agent {
    public static final String VERSION = readVersion();

    private static volatile Agent current;

    private final Instrumentation inst;
    private final String jar;
    private final long pid = ProcessHandle.current().pid();
    private final long loadedAtMillis = System.currentTimeMillis();
    private volatile boolean loadedAtStartup;
    private volatile AgentOptions options;
    private volatile ControlServer control;
    private volatile TimingService timing;

    private Agent(Instrumentation inst, String jar, AgentOptions options, boolean premain) {
        this.inst = inst;
        this.jar = jar;
        this.options = options;
        this.loadedAtStartup = premain;
    }

    /** Entry from {@code AgentStarter}; never throws for a problem it can contain. */
    public static void start(String optionText, Instrumentation inst, boolean premain, String jar) {
        AgentOptions options = AgentOptions.parse(optionText);
        Log.setVerbose(options.flag("verbose"));
        options.warnings().forEach(Log::info);
        Agent agent = new Agent(inst, jar, options, premain);
        current = agent;
        agent.startTiming();
        dev.forgeperf.runtime.RuntimeService.start(options);
        agent.openControlSocket();
        AgentState.setReloader(agent::reload);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::shutdown, "forge-perf-shutdown"));
        Log.debug("agent " + VERSION + " loaded " + (premain ? "at startup" : "by attach"));
    }

    /** The running agent, or null outside an agent JVM. */
    public static Agent current() {
        return current;
    }

    private void openControlSocket() {
        try {
            control = ControlServer.start(pid, new CommandRunner(this));
        } catch (IOException | RuntimeException e) {
            Log.failure("control socket disabled, forge-perf commands cannot reach this JVM", e);
        }
    }

    private void startTiming() {
        try {
            Recorder.setActive(true);
            Recorder.setSlowCallListener(new SlowCallsToJfr(), options.durationNanos("timed.jfrThreshold", 10_000_000L));
            timing = new TimingService(inst, options.positiveInt("timed.sample", 1));
            installSpecs(options);
        } catch (RuntimeException | LinkageError e) {
            Log.failure("method timing disabled", e);
        }
    }

    private void installSpecs(AgentOptions from) {
        for (String text : from.all("timed")) {
            try {
                timing.installAtStartup(MethodSpec.parse(text));
            } catch (RuntimeException | LinkageError e) {
                Log.info("ignoring timed=" + text + ": " + e.getMessage());
            }
        }
    }

    /** A second load of the agent into this JVM: applies new options, answers in one line. */
    private String reload(String optionText, boolean premain) {
        AgentOptions extra = AgentOptions.parse(optionText);
        extra.warnings().forEach(Log::info);
        if (timing != null) {
            installSpecs(extra);
        }
        if (control == null) {
            openControlSocket();
        }
        return "agent " + VERSION + " already loaded in pid " + pid + "; control socket " + (control == null ? "unavailable" : control.socket());
    }

    private void shutdown() {
        String exitDir = options.get("snapshotOnExit", null);
        if (exitDir != null) {
            try {
                java.nio.file.Path written = ExitSnapshot.write(java.nio.file.Path.of(exitDir), this);
                Log.info("timings written to " + written);
            } catch (java.io.IOException | RuntimeException e) {
                Log.failure("snapshotOnExit failed", e);
            }
        }
        ControlServer c = control;
        if (c != null) {
            c.close();
        }
    }

    public Instrumentation instrumentation() {
        return inst;
    }

    /** Method timing, or null when it failed to start. */
    public TimingService timing() {
        return timing;
    }

    /**
     * Method timing, for commands that need it.
     *
     * @throws IllegalStateException when it failed to start (the reason was logged)
     */
    public TimingService timingService() {
        TimingService t = timing;
        if (t == null) {
            throw new dev.forgeperf.command.CommandException("method timing is not available in this JVM (see its [forge-perf] log line)");
        }
        return t;
    }

    public AgentOptions options() {
        return options;
    }

    public String jar() {
        return jar;
    }

    public long pid() {
        return pid;
    }

    public long loadedAtMillis() {
        return loadedAtMillis;
    }

    public boolean loadedAtStartup() {
        return loadedAtStartup;
    }

    public ControlServer control() {
        return control;
    }

    /** What is enabled, feature by feature (for status and list). */
    public java.util.Map<String, Object> features() {
        java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
        TimingService t = timing;
        if (t == null) {
            f.put("timing", "off");
        } else {
            java.util.List<String> specs = t.specs();
            f.put("timing", specs.isEmpty() ? "no methods instrumented" : t.activeMethods().size() + " methods by " + specs.size()
                    + " specs: " + String.join(", ", specs) + (t.sampled() ? " (sampled, 1 in " + Recorder.sampleInterval() + ")" : ""));
        }
        f.put("runtime", dev.forgeperf.runtime.RuntimeService.get().describe());
        f.put("options", options.asMap().isEmpty() ? "(defaults)" : options.asMap().toString());
        return f;
    }

    /** The main class (or jar) the JVM was started with, as jcmd shows it. */
    public static String mainClass() {
        String cmd = System.getProperty("sun.java.command", "");
        int sp = cmd.indexOf(' ');
        return sp < 0 ? cmd : cmd.substring(0, sp);
    }

    /** JVM uptime in milliseconds. */
    public static long uptimeMillis() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    private static String readVersion() {
        try (InputStream in = Agent.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
