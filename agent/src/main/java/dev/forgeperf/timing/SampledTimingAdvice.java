package dev.forgeperf.timing;

import dev.forgeperf.bootstrap.Recorder;
import net.bytebuddy.asm.Advice;

/**
 * Sampled timing ({@code timed.sample=N}): every call is counted exactly (one atomic add), one in
 * N is timed. For methods too hot to time exactly.
 */
public final class SampledTimingAdvice {
    private SampledTimingAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@MethodId int id) {
        return Recorder.sampleStart(id);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@MethodId int id, @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
        if (start != 0L) {
            Recorder.recordSampled(id, System.nanoTime() - start, thrown != null);
        } else if (thrown != null) {
            Recorder.countError(id);
        }
    }
}
