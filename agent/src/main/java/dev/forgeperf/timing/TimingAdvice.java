package dev.forgeperf.timing;

import dev.forgeperf.bootstrap.Recorder;
import net.bytebuddy.asm.Advice;

/**
 * Exact timing: inlined into every timed method. Two clock reads and one call to the bootstrap
 * {@link Recorder} with the method id as a constant: no allocation, no lock, no lookup. Calls
 * that end by throwing are timed too and counted as errors. Any failure in the advice itself is
 * suppressed: the method behaves as it did before.
 */
public final class TimingAdvice {
    private TimingAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter() {
        return System.nanoTime();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@MethodId int id, @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
        Recorder.record(id, System.nanoTime() - start, thrown != null);
    }
}
