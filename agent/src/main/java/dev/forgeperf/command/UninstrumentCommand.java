package dev.forgeperf.command;

import java.util.List;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.timing.TimingService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.util.Words;

/** {@code uninstrument PID SPEC|--all}: stop timing; the original bytecode is restored. */
@Command(name = "uninstrument", description = {"Stop timing the methods of a spec (or --all) and restore their original bytecode.",
        "Their statistics stay visible in `timings` (marked *) until --reset."})
public final class UninstrumentCommand extends AgentCommand {
    @Parameters(index = "1", arity = "0..1", paramLabel = "SPEC", description = "A spec exactly as it was instrumented.")
    String spec;

    @Option(names = "--all", description = "Remove every spec.")
    boolean all;

    @Override
    public int run(AgentContext agent, Session session) {
        if ((spec == null) == !all) {
            throw new CommandException("give either a SPEC or --all", 2);
        }
        List<TimingService.Result> removed;
        try {
            removed = agent.timingService().uninstall(all ? null : spec);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        if (removed.isEmpty()) {
            session.out.println("nothing was instrumented");
        }
        for (TimingService.Result r : removed) {
            session.out.printf("uninstrumented '%s': %s in %s restored to their original bytecode%n",
                    r.spec, Words.count(r.methods.size(), "method"), Words.count(r.classes.size(), "class"));
        }
        return 0;
    }
}
