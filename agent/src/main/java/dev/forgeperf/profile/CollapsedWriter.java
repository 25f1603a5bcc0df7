package dev.forgeperf.profile;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes folded stacks for flamegraph.pl and speedscope: one line per distinct stack,
 * {@code root;caller;leaf VALUE}, frames by function name (lines merged), value of the sample type
 * people read first ({@link TopTable#leadingType}: CPU nanoseconds for a CPU profile, else the primary). A {@code ;} inside a name becomes {@code :}.
 */
public final class CollapsedWriter {
    private CollapsedWriter() {
    }

    public static void write(Profile profile, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        write(profile, TopTable.leadingType(profile), w);
        w.flush();
    }

    public static void write(Profile profile, int type, Writer w) throws IOException {
        CallTree tree = CallTree.of(profile, type);
        String[] clean = new String[tree.names.size()];
        for (int i = 0; i < clean.length; i++) {
            clean[i] = tree.names.get(i).replace(';', ':').replace('\n', ' ').replace('\r', ' ');
        }
        int[] path = new int[64];
        StringBuilder line = new StringBuilder(256);
        for (int n = 1; n < tree.count; n++) {
            long v = tree.self[0][n];
            if (v == 0) {
                continue;
            }
            int depth = 0;
            for (int x = n; x > 0; x = tree.parent[x]) {
                if (depth == path.length) {
                    path = java.util.Arrays.copyOf(path, depth * 2);
                }
                path[depth++] = x;
            }
            line.setLength(0);
            for (int i = depth - 1; i >= 0; i--) {
                line.append(clean[tree.name[path[i]]]);
                if (i > 0) {
                    line.append(';');
                }
            }
            line.append(' ').append(v).append('\n');
            w.append(line);
        }
    }
}
