package dev.forgeperf.sample;

/**
 * Parsed command-line options of {@link SampleApp}. Not a hot spot.
 *
 * @param durationSeconds how long to run; {@code 0} means forever
 * @param leak            enable the {@link SessionCache} memory leak
 * @param deadlock        create a deadlock between {@code deadlock-a} and {@code deadlock-b}
 * @param threads         number of {@code order-worker-N} threads
 * @param quiet           suppress the periodic stats lines
 * @param help            print usage and exit
 */
public record Options(long durationSeconds, boolean leak, boolean deadlock, int threads,
                      boolean quiet, boolean help, boolean cpuOnly, int retainMb) {

    /** Usage text. */
    public static final String USAGE = String.join(System.lineSeparator(),
            "usage: java dev.forgeperf.sample.SampleApp [options]",
            "  --duration S   run for S seconds, then exit 0 (default 0 = run until killed)",
            "  --threads N    number of order worker threads (default 2)",
            "  --leak         enable a slow memory leak (~1.5 MB/s of LeakedSession objects)",
            "  --deadlock     deadlock threads deadlock-a and deadlock-b after startup",
            "  --quiet        do not print the periodic stats line",
            "  --cpu-only     workers only price orders and build reports, as fast as they can (no lock,",
            "                 no queue, no pause): a CPU-bound load for overhead benchmarks",
            "  --retain-mb N  keep N MB of live data on the heap from startup (for large-heap benchmarks)",
            "  --help         print this help and exit");

    /** Thrown for invalid command lines. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /** Parses the command line. */
    public static Options parse(String[] args) throws UsageException {
        long duration = 0;
        boolean leak = false;
        boolean deadlock = false;
        int threads = 2;
        boolean quiet = false;
        boolean help = false;
        boolean cpuOnly = false;
        int retainMb = 0;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--duration" -> {
                    duration = parseNumber(arg, valueOf(args, ++i, arg), 0, Long.MAX_VALUE / 1_000_000_000L);
                }
                case "--threads" -> {
                    threads = (int) parseNumber(arg, valueOf(args, ++i, arg), 1, 1_000);
                }
                case "--leak" -> leak = true;
                case "--deadlock" -> deadlock = true;
                case "--quiet" -> quiet = true;
                case "--cpu-only" -> cpuOnly = true;
                case "--retain-mb" -> retainMb = (int) parseNumber(arg, valueOf(args, ++i, arg), 0, 1_000_000);
                case "--help", "-h" -> help = true;
                default -> throw new UsageException("unknown argument: " + arg);
            }
        }
        return new Options(duration, leak, deadlock, threads, quiet, help, cpuOnly, retainMb);
    }

    private static String valueOf(String[] args, int index, String option) throws UsageException {
        if (index >= args.length) {
            throw new UsageException("missing value for " + option);
        }
        return args[index];
    }

    private static long parseNumber(String option, String value, long min, long max) throws UsageException {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException("invalid value for " + option + ": " + value);
        }
        if (parsed < min || parsed > max) {
            throw new UsageException("value for " + option + " out of range [" + min + ", " + max + "]: " + value);
        }
        return parsed;
    }
}
