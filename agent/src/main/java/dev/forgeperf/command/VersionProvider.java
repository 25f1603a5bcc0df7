package dev.forgeperf.command;

import dev.forgeperf.util.AgentInfo;
import picocli.CommandLine;

/** {@code --version}: forge-perf's version and the JVM running it. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"forge-perf " + AgentInfo.VERSION, "JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")};
    }
}
