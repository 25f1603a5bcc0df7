package dev.forgeperf.command;

import dev.forgeperf.context.AgentContext;
import picocli.CommandLine.Command;

/**
 * {@code detach PID}: unloads the agent's work from the JVM. The answer comes first; the control
 * socket goes once it is sent, and the CLI waits until it is gone.
 */
@Command(name = "detach", description = {"Take the agent out of the JVM: timed methods run their original bytecode again.",
        "The continuous recording (discarded: copy it first with `forge-perf dump jfr`), HTTP, the sampler, triggers and every",
        "forge-perf thread stop; the control socket is removed. `forge-perf attach PID` loads the agent again (new options apply)."})
public final class DetachCommand extends AgentCommand {
    @Override
    public int run(AgentContext agent, Session session) {
        java.util.List<String> done = agent.detach(session::answered);
        session.out.println("detaching the forge-perf agent from pid " + agent.pid() + ":");
        for (String line : done) {
            session.out.println("  " + line);
        }
        return 0;
    }
}
