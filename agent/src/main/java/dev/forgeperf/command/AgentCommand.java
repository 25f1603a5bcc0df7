package dev.forgeperf.command;

import java.util.concurrent.Callable;

import dev.forgeperf.context.AgentContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A command that runs inside the target JVM. On the CLI side {@link #call()} forwards the
 * command line through the control socket; the agent parses the same line with the same model
 * and runs {@link #run(AgentContext, Session)}.
 */
public abstract class AgentCommand implements Callable<Integer> {
    /** How the CLI sends a command to the JVM named by {@link #target}; set by the CLI. */
    public interface Forwarder {
        int forward(AgentCommand command) throws Exception;
    }

    private static volatile Forwarder forwarder;

    @Parameters(index = "0", paramLabel = "PID", description = "Target JVM: process id, or a unique main-class name as in jcmd.")
    public String target;

    @Spec
    public CommandSpec spec;

    public static void setForwarder(Forwarder f) {
        forwarder = f;
    }

    @Override
    public final Integer call() throws Exception {
        Forwarder f = forwarder;
        if (f == null) {
            throw new IllegalStateException("no forwarder: agent commands run through the control socket");
        }
        return f.forward(this);
    }

    /** Runs the command in the agent; returns the exit status. */
    public abstract int run(AgentContext agent, Session session) throws Exception;
}
