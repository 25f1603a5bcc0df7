package dev.forgeperf.profile;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Units;

/**
 * The entry point for callers (the agent's {@code profile} command, the CLI's {@code convert},
 * {@code top}, {@code diff}): read a recording or a pprof file into a {@link Profile} and write
 * it in a {@link OutputFormat}. Every file is written through {@link AtomicFiles} (temporary file, then
 * rename): on any error no output file appears. Input problems surface as {@link ProfileException}
 * with a one-line message; bad arguments as {@link IllegalArgumentException}.
 *
 * <p>Stateless and thread-safe; each call reads its input anew.
 */
public final class ProfileOutput {
    /** Rows of a top table written to a {@code .txt} file. */
    public static final int TEXT_ROWS = 50;

    private ProfileOutput() {
    }

    /**
     * Analyzes a JFR recording and writes the result: the whole pipeline of {@code profile} and
     * {@code convert}. For {@link OutputFormat#JFR} the recording is copied as it is (after checking it).
     *
     * @param format the output format, or null to choose it from {@code out}'s extension
     * @return the profile written (null for {@link OutputFormat#JFR})
     */
    public static Profile write(Path jfr, Kind kind, ProfileOptions options, Path out, OutputFormat format) throws IOException {
        return write(jfr, kind, options, out, format, kind.id() + " profile of " + jfr.getFileName());
    }

    /**
     * As {@link #write(Path, Kind, ProfileOptions, Path, OutputFormat)}, titled {@code title} (flame graph
     * and top table) instead of after the recording's file name, e.g. when that is a temporary file.
     */
    public static Profile write(Path jfr, Kind kind, ProfileOptions options, Path out, OutputFormat format, String title) throws IOException {
        OutputFormat f = format != null ? format : OutputFormat.forPath(out);
        if (f == OutputFormat.JFR) {
            JfrFile.check(jfr);
            AtomicFiles.write(out, o -> Files.copy(jfr, o));
            return null;
        }
        Profile profile = JfrReader.read(jfr, kind, options);
        write(profile, out, f, title);
        return profile;
    }

    /**
     * Checks, before any work (a recording, a conversion), that a file the user named may be written:
     * its directory exists, it is not a directory, nor an existing file unless {@code force} (the
     * rule of {@link AtomicFiles#checkTarget}, which the writing methods taking {@code force} apply again).
     *
     * @throws IOException with a one-line message naming {@code out} and what to do
     */
    public static void checkTarget(Path out, boolean force) throws IOException {
        AtomicFiles.checkTarget(out, force);
    }

    /**
     * {@link #write(Path, Kind, ProfileOptions, Path, OutputFormat, String)} to a file the user named, under
     * the output rule ({@link AtomicFiles#writeVia}): refused when {@code out} exists unless
     * {@code force}; written 0600 beside it and moved into place, so that on any error nothing appears.
     *
     * @return the profile written (null for {@link OutputFormat#JFR})
     */
    public static Profile write(Path jfr, Kind kind, ProfileOptions options, Path out, boolean force, OutputFormat format, String title)
            throws IOException {
        OutputFormat f = format != null ? format : OutputFormat.forPath(out);
        Profile[] written = new Profile[1];
        AtomicFiles.writeVia(out, force, tmp -> written[0] = write(jfr, kind, options, tmp, f, title));
        return written[0];
    }

    /**
     * {@link #convert(Path, Kind, ProfileOptions, Path, OutputFormat)} to a file the user named, under the
     * output rule as {@link #write(Path, Kind, ProfileOptions, Path, boolean, OutputFormat, String)}.
     *
     * @return the profile written (null for a copied recording)
     */
    public static Profile convert(Path in, Kind kind, ProfileOptions options, Path out, boolean force, OutputFormat format) throws IOException {
        OutputFormat f = format != null ? format : OutputFormat.forPath(out);
        Profile[] converted = new Profile[1];
        AtomicFiles.writeVia(out, force, tmp -> converted[0] = convert(in, kind, options, tmp, f));
        return converted[0];
    }

    /**
     * {@code convert}: like {@link #write(Path, Kind, ProfileOptions, Path, OutputFormat)} for a JFR
     * recording; a pprof file (ours or Go's) is re-written in another format (not {@code .jfr}).
     *
     * @return the profile written (null for a copied recording)
     */
    public static Profile convert(Path in, Kind kind, ProfileOptions options, Path out, OutputFormat format) throws IOException {
        OutputFormat f = format != null ? format : OutputFormat.forPath(out);
        if (Files.isRegularFile(in) && !JfrFile.hasMagic(in) && !isJfrName(in)) {
            if (f == OutputFormat.JFR) {
                throw new IllegalArgumentException(in + " is not a JFR recording, so it cannot be written as one");
            }
            Profile profile = PprofReader.read(in);
            write(profile, out, f, "profile " + in.getFileName());
            return profile;
        }
        return write(in, kind, options, out, f);
    }

    /**
     * Writes a profile in a format other than {@link OutputFormat#JFR}.
     *
     * @param title shown by flame graphs and tables, e.g. {@code cpu profile of app.jfr}
     */
    public static void write(Profile profile, Path out, OutputFormat format, String title) throws IOException {
        if (format == OutputFormat.JFR) {
            throw new IllegalArgumentException("a " + OutputFormat.JFR.id() + " file can only be copied from a recording, not made from a profile");
        }
        AtomicFiles.write(out, o -> write(profile, o, format, title));
    }

    /** {@link #write(Profile, Path, OutputFormat, String)} to a stream (e.g. an HTTP answer); {@code out} is flushed, not closed. */
    public static void write(Profile profile, java.io.OutputStream out, OutputFormat format, String title) throws IOException {
        switch (format) {
            case PPROF -> PprofWriter.write(profile, out);
            case HTML -> FlameGraphWriter.write(profile, title, out);
            case COLLAPSED -> CollapsedWriter.write(profile, out);
            case TEXT -> {
                PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                TopTable.leading(profile).print(w, title, TEXT_ROWS);
                w.flush();
            }
            case JFR -> throw new IllegalArgumentException("a " + OutputFormat.JFR.id() + " file can only be copied from a recording, not made from a profile");
        }
        out.flush();
    }

    /**
     * Reads a profile from a JFR recording (as {@code kind}) or a pprof file (gzipped or not; kind
     * and options other than nothing do not apply), telling them apart by content.
     */
    public static Profile read(Path file, Kind kind, ProfileOptions options) throws IOException {
        if (!Files.exists(file)) {
            throw new ProfileException(file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new ProfileException(file + ": is a directory, not a profile");
        }
        if (JfrFile.hasMagic(file)) {
            return JfrReader.read(file, kind, options);
        }
        if (isJfrName(file)) {
            throw new ProfileException(file + ": not a JFR file");
        }
        return PprofReader.read(file);
    }

    private static boolean isJfrName(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jfr");
    }

    /** A one-line description: {@code 56 stacks, samples 1234, cpu 12.34s}. */
    public static String summary(Profile profile) {
        StringBuilder b = new StringBuilder();
        b.append(profile.stackCount()).append(" stacks");
        for (int t = 0; t < profile.sampleTypes().size(); t++) {
            SampleType s = profile.sampleTypes().get(t);
            b.append(", ").append(s.type()).append(' ').append(Units.value(profile.total(t), s.unit()));
        }
        return b.toString();
    }
}
