package dev.forgeperf.profile;

/** Where a frame comes from; exporters may color or mark frames by it. */
public enum FrameKind {
    /** Interpreted or compiled Java code. */
    JAVA,
    /** Java code inlined into its caller by the JIT. */
    INLINED,
    /** A native method. */
    NATIVE,
    /** A thread name placed at the root of a stack ({@code --threads}). */
    THREAD,
    /** A placeholder such as {@code [unknown]} for a sample without a stack. */
    OTHER
}
