package dev.forgeperf.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whole-machine CPU use from the first line of Linux's {@code /proc/stat}, read through one open
 * channel into a preallocated buffer: no allocation per reading. (The JDK's
 * {@code OperatingSystemMXBean.getCpuLoad()} costs milliseconds and ~100 KB per call in a
 * container, as it re-reads cgroup files; too much for a sampler.)
 */
final class ProcStat implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(256);
    private final long[] fields = new long[8];
    private long prevBusy = -1;
    private long prevTotal = -1;

    private ProcStat(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens {@code /proc/stat}, or returns null where there is none (not Linux) or it cannot be parsed. */
    static ProcStat open() {
        Path p = Path.of("/proc/stat");
        try {
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
            ProcStat s = new ProcStat(ch);
            if (!s.read()) {
                ch.close();
                return null;
            }
            return s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Share of all CPUs busy since the previous call (0..1), NaN on the first call or a failed read.
     */
    double busySinceLastCall() {
        long busy0 = prevBusy;
        long total0 = prevTotal;
        if (!read()) {
            return Double.NaN;
        }
        if (busy0 < 0 || prevTotal <= total0) {
            return Double.NaN;
        }
        return Math.min(1, Math.max(0, (double) (prevBusy - busy0) / (prevTotal - total0)));
    }

    /** Reads "cpu  user nice system idle iowait irq softirq steal ..." into prevBusy/prevTotal. */
    private boolean read() {
        try {
            buffer.clear();
            int n = channel.read(buffer, 0);
            if (n < 8 || buffer.get(0) != 'c' || buffer.get(1) != 'p' || buffer.get(2) != 'u' || buffer.get(3) != ' ') {
                return false;
            }
            int f = 0;
            long v = -1;
            for (int i = 4; i < n && f < fields.length; i++) {
                byte b = buffer.get(i);
                if (b >= '0' && b <= '9') {
                    v = (v < 0 ? 0 : v * 10) + (b - '0');
                } else {
                    if (v >= 0) {
                        fields[f++] = v;
                        v = -1;
                    }
                    if (b == '\n') {
                        break;
                    }
                }
            }
            if (f < 4) {
                return false;
            }
            long total = 0;
            for (int i = 0; i < f; i++) {
                total += fields[i];
            }
            long idle = fields[3] + (f > 4 ? fields[4] : 0);
            prevBusy = total - idle;
            prevTotal = total;
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
