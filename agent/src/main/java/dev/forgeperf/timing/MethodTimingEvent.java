package dev.forgeperf.timing;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A timed call at least {@code timed.jfrThreshold} long, on the JFR timeline with its stack. */
@Name("forge.MethodTiming")
@Label("Method Timing")
@Category({"forge-perf"})
@Description("A call of a method timed by forge-perf that took at least the threshold (timed.jfrThreshold)")
@StackTrace(true)
public final class MethodTimingEvent extends jdk.jfr.Event {
    @Label("Method")
    public String method;

    @Label("Elapsed")
    @Timespan(Timespan.NANOSECONDS)
    public long elapsed;

    @Label("Thrown")
    @Description("Whether the call ended by throwing")
    public boolean thrown;
}
