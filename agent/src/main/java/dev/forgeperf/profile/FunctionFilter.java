package dev.forgeperf.profile;

import java.util.Arrays;
import java.util.Set;

/**
 * What the reader does with a function of its profile when it meets it in a stack: forge-perf's own
 * code ({@link #own}: the timing advice and recorder, the library timers, which run on the
 * application's threads) is folded into its caller; the {@code --include}/{@code --exclude} regular
 * expressions ({@link #flags}) decide whether the stack is kept.
 *
 * <p>Input: function ids of one {@link Profile} (the one given), their names read from it. Both answers
 * are computed once per function and kept in a byte per function id (arrays grown by doubling), so a
 * frame costs an array read after its function's first time; no per-frame allocation.
 *
 * <p>Not thread-safe: one per reader's profile.
 */
final class FunctionFilter {
    // the bits of flags(function)
    private static final int CHECKED = 1;
    static final int INCLUDED = 2;
    static final int EXCLUDED = 4;

    /**
     * The packages of forge-perf's code that runs on the application's threads: the timing advice
     * inlined into a timed method calls the bootstrap recorder (and a JFR sample taken at the next
     * safepoint poll lands there), the timers of the library API ({@code dev.forgeperf.ForgePerf},
     * {@code Track}) call the same. Their frames are folded into their caller. The rest of the agent
     * runs on its own {@code forge-perf-*} threads, left out anyway; the sample app and the test
     * fixtures, also under {@code dev.forgeperf}, are the user's code here.
     */
    private static final Set<String> OWN_PACKAGES = Set.of("bootstrap", "timing");
    private static final String OWN_ROOT = "dev.forgeperf.";

    private final Profile profile;
    private final ProfileOptions options;
    /** Per function id: 0 not looked at yet, 1 not own, 2 own, 3 the JDK's (not own). */
    private byte[] ownFunction = new byte[1024];
    /** The JDK's packages: its frames are neither the user's nor ours (also what {@link LiveObjects} skips to find a site). */
    static final java.util.List<String> JDK_PREFIXES = java.util.List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");
    /** Per function id: 0 not looked at yet, else {@link #CHECKED} and the filters' bits. */
    private byte[] functionFilter = new byte[1024];

    /** Filters for the functions of {@code profile} (the profile a reader adds its frames to). */
    FunctionFilter(Profile profile, ProfileOptions options) {
        this.profile = profile;
        this.options = options;
    }

    /** Whether a function is forge-perf's own code (a class in {@code dev.forgeperf} or one of {@link #OWN_PACKAGES}). */
    boolean own(int function) {
        return kindOf(function) == 2;
    }

    /** Whether a function is the JDK's ({@code java.}, {@code jdk.}, {@code sun.}, …). */
    boolean jdk(int function) {
        return kindOf(function) == 3;
    }

    private int kindOf(int function) {
        if (function >= ownFunction.length) {
            ownFunction = Arrays.copyOf(ownFunction, Math.max(function + 1, ownFunction.length * 2));
        }
        int f = ownFunction[function];
        if (f == 0) {
            String name = profile.string(profile.functionName(function));
            f = isOwn(name) ? 2 : JDK_PREFIXES.stream().anyMatch(name::startsWith) ? 3 : 1;
            ownFunction[function] = (byte) f;
        }
        return f;
    }

    /** Whether {@code pkg.Class.method} is in forge-perf's own code. */
    static boolean isOwn(String function) {
        if (!function.startsWith(OWN_ROOT)) {
            return false;
        }
        int dot = function.indexOf('.', OWN_ROOT.length());
        if (dot < 0) {
            return false;
        }
        String segment = function.substring(OWN_ROOT.length(), dot);
        return OWN_PACKAGES.contains(segment) || (!segment.isEmpty() && Character.isUpperCase(segment.charAt(0)));
    }

    /**
     * Whether {@link ProfileOptions#include()} ({@link #INCLUDED}) and {@link ProfileOptions#exclude()}
     * ({@link #EXCLUDED}) find a match in the function's name ({@code pkg.Class.method}); 0 when neither is set.
     */
    int flags(int function) {
        if (options.include() == null && options.exclude() == null) {
            return 0;
        }
        if (function >= functionFilter.length) {
            functionFilter = Arrays.copyOf(functionFilter, Math.max(function + 1, functionFilter.length * 2));
        }
        int f = functionFilter[function];
        if (f == 0) {
            String name = profile.string(profile.functionName(function));
            f = CHECKED;
            if (options.include() != null && options.include().matcher(name).find()) {
                f |= INCLUDED;
            }
            if (options.exclude() != null && options.exclude().matcher(name).find()) {
                f |= EXCLUDED;
            }
            functionFilter[function] = (byte) f;
        }
        return f;
    }
}
