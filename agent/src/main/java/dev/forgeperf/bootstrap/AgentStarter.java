package dev.forgeperf.bootstrap;

import java.lang.instrument.Instrumentation;

/**
 * Starts the agent proper inside its own {@link AgentClassLoader} (parent: the platform class
 * loader, so the application's classes stay invisible to it and ours to them), or hands a second
 * load of the agent to the running one. Loaded from the bootstrap class path.
 */
public final class AgentStarter {
    private AgentStarter() {
    }

    public static void start(String options, Instrumentation inst, boolean premain, String jar) throws Exception {
        if (!AgentState.claim(jar)) {
            java.util.function.BiFunction<String, Boolean, String> reload = AgentState.reloader();
            String answer = reload == null ? "already loaded" : reload.apply(options, premain);
            System.err.println("[forge-perf] " + answer);
            return;
        }
        try {
            ClassLoader loader = new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader());
            Class.forName("dev.forgeperf.agent.Agent", true, loader)
                    .getMethod("start", String.class, Instrumentation.class, boolean.class, String.class)
                    .invoke(null, options, inst, premain, jar);
        } catch (java.lang.reflect.InvocationTargetException e) {
            AgentState.release();
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } catch (Exception | Error e) {
            // the agent's own classes failed to load (a truncated jar, no metaspace left): a later attach may try again
            AgentState.release();
            throw e;
        }
    }
}
