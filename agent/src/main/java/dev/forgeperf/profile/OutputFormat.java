package dev.forgeperf.profile;

import java.nio.file.Path;
import java.util.Locale;

/** An output format of a profile, chosen by name or by the output file's extension. */
public enum OutputFormat {
    /** Gzipped pprof {@code profile.proto}: {@code .pb.gz}, {@code .pprof}, {@code .pb}. */
    PPROF("pprof"),
    /** A self-contained interactive flame graph: {@code .html}. */
    HTML("html"),
    /** Folded stacks: {@code .collapsed}, {@code .folded}. */
    COLLAPSED("collapsed"),
    /** The top-N table: {@code .txt}. */
    TEXT("txt"),
    /** The raw recording: {@code .jfr}. */
    JFR("jfr");

    private final String id;

    OutputFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Parses a format name: {@code pprof}, {@code pb.gz}, {@code html}, {@code collapsed}, {@code txt}/{@code text}, {@code jfr}. */
    public static OutputFormat of(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "pprof": case "pb.gz": case "pb": case "proto":
                return PPROF;
            case "html": case "flamegraph":
                return HTML;
            case "collapsed": case "folded":
                return COLLAPSED;
            case "txt": case "text": case "top":
                return TEXT;
            case "jfr":
                return JFR;
            default:
                throw new IllegalArgumentException("unknown format '" + name + "'; use pprof, html, collapsed, txt or jfr");
        }
    }

    /**
     * The format a file name asks for.
     *
     * @throws IllegalArgumentException when the extension is not one of ours
     */
    public static OutputFormat forPath(Path path) {
        String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".pb.gz") || n.endsWith(".pprof") || n.endsWith(".pb") || n.endsWith(".pprof.gz")) {
            return PPROF;
        }
        if (n.endsWith(".html") || n.endsWith(".htm")) {
            return HTML;
        }
        if (n.endsWith(".collapsed") || n.endsWith(".folded")) {
            return COLLAPSED;
        }
        if (n.endsWith(".txt")) {
            return TEXT;
        }
        if (n.endsWith(".jfr")) {
            return JFR;
        }
        throw new IllegalArgumentException("cannot tell the format from '" + path.getFileName()
                + "'; name it .pb.gz, .html, .collapsed, .txt or .jfr, or give --format");
    }
}
