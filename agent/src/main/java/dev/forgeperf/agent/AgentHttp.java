package dev.forgeperf.agent;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.context.AgentContext;
import dev.forgeperf.http.AgentHttpServer;
import dev.forgeperf.http.HttpStarter;
import dev.forgeperf.util.Log;

/**
 * The agent's one HTTP server (opt-in, {@code http=}): started at most once, at start-up or by a
 * reload that asks for it, and never once the agent stops (detach or the JVM's shutdown), whichever
 * comes first. A server that fails to start is described by {@link HttpStarter.Outcome} (shown by
 * {@code status}); nothing is thrown to the caller for it. Thread-safety: starting and stopping are
 * serialized on one lock; the server is read without it.
 */
final class AgentHttp {
    private volatile HttpStarter.Outcome http = new HttpStarter.Outcome(null, null);
    private final Object httpLock = new Object();
    private boolean shutDown;

    /** Starts the HTTP server if {@code from} asks for one (on an agent thread: the server's threads inherit daemon status). */
    void start(AgentContext agent, AgentOptions from) {
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
            http = HttpStarter.start(agent, from);
        }
    }

    /** Stops the server for good (none starts after this); returns the one that was running, now closed, or null. */
    AgentHttpServer stop() {
        synchronized (httpLock) {
            shutDown = true;
            AgentHttpServer h = http.server();
            if (h != null) {
                h.close();
            }
            return h;
        }
    }

    /** The HTTP server, or null when off. */
    AgentHttpServer server() {
        return http.server();
    }

    /** The server's address, or why it is off, for {@code status}. */
    String describe() {
        return http.describe();
    }
}
