package dev.forgeperf.util;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Properties;

/** Facts about the agent and its JVM that every side prints: the version, the main class, the uptime. */
public final class AgentInfo {
    /** The forge-perf version (from {@code version.properties}, filled in by the build), or "dev". */
    public static final String VERSION = readVersion();

    private AgentInfo() {
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
        try (InputStream in = AgentInfo.class.getResourceAsStream("version.properties")) {
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
