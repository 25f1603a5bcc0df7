package dev.forgeperf.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Properties;

import dev.forgeperf.bootstrap.AgentState;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.control.ControlServer;
import dev.forgeperf.control.SocketDir;
import dev.forgeperf.jfr.ContinuousRecording;
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
    private boolean timingFailed;
    private volatile ContinuousRecording jfr;
    private volatile dev.forgeperf.snapshot.SnapshotTriggers triggers;
    private volatile dev.forgeperf.http.HttpStarter.Outcome http = new dev.forgeperf.http.HttpStarter.Outcome(null, null);
    private final Object httpLock = new Object();
    private boolean shutDown;

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
        agent.triggers = dev.forgeperf.snapshot.SnapshotTriggers.fromOptions(options, agent.pid,
                target -> agent.snapshotWriter(true).write(target, null));
        // The socket, the sampler and JFR take tens of milliseconds to start: do it off the application's path.
        Thread init = new Thread(() -> {
            dev.forgeperf.runtime.RuntimeService.start(options);
            agent.openControlSocket();
            agent.startRecording();
            if (agent.triggers != null && !agent.triggers.start()) {
                agent.triggers = null;
            }
            agent.startHttp(options);
        }, "forge-perf-init");
        init.setDaemon(true);
        init.start();
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

    /** Starts the HTTP server if {@code from} asks for one (on an agent thread: the server's threads inherit daemon status). */
    private void startHttp(AgentOptions from) {
        if (from.get("http", null) == null) {
            return;
        }
        synchronized (httpLock) {
            if (shutDown) {
                return;
            }
            if (http.server() != null) {
                Log.info("HTTP is on already at " + http.server().url() + "; http=" + from.get("http", null) + " ignored");
                return;
            }
            http = dev.forgeperf.http.HttpStarter.start(this, from);
        }
    }

    private void startTiming() {
        try {
            dev.forgeperf.timing.TimingLimits.apply(options);
            Recorder.setActive(true);
            Recorder.setSlowCallListener(new SlowCallsToJfr(), options.durationNanos("timed.jfrThreshold", 10_000_000L));
            if (!options.all("timed").isEmpty()) {
                installSpecs(options);
            }
        } catch (RuntimeException | LinkageError e) {
            Log.failure("method timing disabled", e);
        }
    }

    /** Creates the timing service on first use (it loads Byte Buddy: not worth it before a spec exists). */
    private synchronized TimingService timingCreated() {
        if (timing == null && !timingFailed) {
            try {
                timing = new TimingService(inst, options.positiveInt("timed.sample", 1));
            } catch (RuntimeException | LinkageError e) {
                timingFailed = true;
                Log.failure("method timing disabled", e);
            }
        }
        return timing;
    }

    private void startRecording() {
        String settings = options.get("jfr", "default");
        if (settings.equals("off")) {
            return;
        }
        try {
            Path repository = control == null ? null : control.socket().getParent().resolve("jfr-" + pid);
            jfr = new ContinuousRecording(settings, java.time.Duration.ofNanos(options.durationNanos("jfr.maxage", 30L * 60 * 1_000_000_000L)),
                    options.bytes("jfr.maxsize", 200L << 20), repository);
            jfr.startInBackground();
        } catch (RuntimeException | LinkageError e) {
            Log.failure("continuous JFR recording disabled", e);
        }
    }

    private void installSpecs(AgentOptions from) {
        for (String text : from.all("timed")) {
            try {
                TimingService t = timingCreated();
                if (t == null) {
                    return;
                }
                t.installAtStartup(MethodSpec.parse(text));
            } catch (RuntimeException | LinkageError e) {
                Log.info("ignoring timed=" + text + ": " + e.getMessage());
            }
        }
    }

    /** A second load of the agent into this JVM: applies new options, answers in one line. */
    private String reload(String optionText, boolean premain) {
        AgentOptions extra = AgentOptions.parse(optionText);
        extra.warnings().forEach(Log::info);
        installSpecs(extra);
        if (control == null) {
            openControlSocket();
        }
        if (extra.get("http", null) != null) {
            Thread t = new Thread(() -> startHttp(extra), "forge-perf-http-start");
            t.setDaemon(true);
            t.start();
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
        synchronized (httpLock) {
            shutDown = true;
            dev.forgeperf.http.AgentHttpServer h = http.server();
            if (h != null) {
                h.close();
            }
        }
        ControlServer c = control;
        if (c != null) {
            c.close();
        }
        ContinuousRecording r = jfr;
        if (r != null) {
            r.close();
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
        TimingService t = timingCreated();
        if (t == null) {
            throw new dev.forgeperf.command.CommandException("method timing is not available in this JVM (see its [forge-perf] log line)");
        }
        return t;
    }

    /**
     * A snapshot writer with every part this agent can produce.
     *
     * @param full false at JVM exit: only the parts that are quick and safe during shutdown
     */
    public dev.forgeperf.snapshot.SnapshotWriter snapshotWriter(boolean full) {
        return snapshotWriter(full, null, false, null);
    }

    /**
     * A snapshot writer.
     *
     * @param profile a recording made for the snapshot ({@code --profile}) to build the profiles
     *     from, or null to use the continuous recording's last minutes
     * @param heap whether to add {@code heap.hprof}
     * @param progress told about long steps (heap dump size), may be null
     */
    public dev.forgeperf.snapshot.SnapshotWriter snapshotWriter(boolean full, Path profile, boolean heap,
            java.util.function.LongConsumer progress) {
        dev.forgeperf.snapshot.SnapshotWriter w = new dev.forgeperf.snapshot.SnapshotWriter(this);
        w.add("metrics", dir -> dev.forgeperf.snapshot.SnapshotParts.metrics(dir));
        w.add("threads", dir -> dev.forgeperf.snapshot.SnapshotParts.threads(dir));
        if (!full) {
            return w;
        }
        ContinuousRecording r = jfr;
        w.add("histogram", dir -> dev.forgeperf.snapshot.SnapshotParts.histogram(dir));
        w.add("recording", dir -> {
            if (r == null) {
                throw new IllegalStateException("the continuous recording is off (jfr=off)");
            }
            if (!r.running()) {
                throw new IllegalStateException("the continuous recording is " + r.describe());
            }
            r.dump(dir.resolve("recording.jfr"), null);
        });
        w.add("profiles", dir -> dev.forgeperf.snapshot.SnapshotParts.profiles(dir, profile));
        if (heap) {
            w.add("heap", dir -> dev.forgeperf.snapshot.SnapshotParts.heap(dir, progress));
        }
        w.addFinal("reports", dir -> dev.forgeperf.report.Report.writeAll(dir));
        return w;
    }

    /** The continuous recording, or null when off. */
    public ContinuousRecording recording() {
        return jfr;
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

    /** The HTTP server, or null when off. */
    public dev.forgeperf.http.AgentHttpServer http() {
        return http.server();
    }

    /** What is enabled, feature by feature (for status and list). */
    public java.util.Map<String, Object> features() {
        java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
        TimingService t = timing;
        if (t == null) {
            f.put("timing", timingFailed ? "failed to start" : "no methods instrumented");
        } else {
            java.util.List<String> specs = t.specs();
            f.put("timing", specs.isEmpty() ? "no methods instrumented" : dev.forgeperf.util.Words.count(t.activeMethods().size(), "method") + " by "
                    + dev.forgeperf.util.Words.count(specs.size(), "spec") + ": " + String.join(", ", specs) + (t.sampled() ? " (sampled, 1 in " + Recorder.sampleInterval() + ")" : ""));
        }
        f.put("timing memory", dev.forgeperf.timing.TimingLimits.describe());
        ContinuousRecording r = jfr;
        f.put("jfr", r == null ? "off" : r.describe());
        f.put("runtime", dev.forgeperf.runtime.RuntimeService.get().describe());
        f.put("http", http.describe());
        dev.forgeperf.snapshot.SnapshotTriggers t2 = triggers;
        if (t2 != null) {
            f.put("triggers", t2.describe());
        }
        f.put("options", options.asMap().isEmpty() ? "(defaults)" : options.displayMap().toString());
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
