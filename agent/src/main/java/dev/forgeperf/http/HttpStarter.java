package dev.forgeperf.http;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.util.Log;

/**
 * Starts the HTTP server when the options ask for it, without ever loading a
 * {@code com.sun.net.httpserver} class in a runtime that lacks the {@code jdk.httpserver} module
 * (a jlink image, {@code --limit-modules}, a modular application that does not resolve it): this
 * class names none, so it loads everywhere.
 */
public final class HttpStarter {
    /** What became of the {@code http} option: the running server, or why there is none. */
    public record Outcome(AgentHttpServer server, String problem) {
        /** One line for {@code status}. */
        public String describe() {
            return server != null ? server.describe() : problem == null ? "off" : "off (" + problem + ")";
        }
    }

    private HttpStarter() {
    }

    /** Starts the server if {@code http} is set; every failure is one log line. Never throws. */
    public static Outcome start(AgentContext agent, AgentOptions options) {
        if (options.get("http", null) == null) {
            return new Outcome(null, null);
        }
        String problem;
        if (ModuleLayer.boot().findModule("jdk.httpserver").isEmpty()) {
            problem = "this JVM has no jdk.httpserver module (a jlink image or --limit-modules without it; add --add-modules jdk.httpserver)";
            Log.info("HTTP off: " + problem);
            return new Outcome(null, problem);
        }
        try {
            return new Outcome(AgentHttpServer.start(agent, options), null);
        } catch (AgentHttpServer.Refused e) {
            problem = e.getMessage();
            Log.info("HTTP off: " + problem);
        } catch (java.io.IOException | RuntimeException | LinkageError e) {
            problem = e.getMessage() == null ? e.toString() : e.getMessage();
            Log.failure("HTTP off", e);
        }
        return new Outcome(null, problem);
    }
}
