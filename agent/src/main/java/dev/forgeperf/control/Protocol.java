package dev.forgeperf.control;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control socket's wire format, shared by the CLI and the agent.
 *
 * <pre>
 * request  := MAGIC:int  headerCount:int (key:str value:str)*  argc:int arg:str*
 * response := frame*  EXIT
 * frame    := 'O' len:int utf8[len]      (a piece of standard output)
 *           | 'E' len:int utf8[len]      (a piece of standard error)
 *           | 'K' 0:int                  (alive: the request is taken, or the command still runs)
 * EXIT     := 'X' status:int
 * str      := len:int utf8[len]
 * </pre>
 * A request is at most {@link #MAX_REQUEST} bytes; the request is the command line itself. To a
 * client that asks for them ({@link #ALIVE_HEADER}) the agent sends {@link #ALIVE} once it has read
 * the request and then whenever the command has sent nothing for {@link #ALIVE_EVERY_MILLIS} ms, so
 * the client can tell a command that works from an agent that does not answer (a stopped JVM) by
 * silence alone.
 */
public final class Protocol {
    public static final int MAGIC = 0x46505231; // "FPR1"
    public static final int MAX_REQUEST = 64 * 1024;
    public static final byte OUT = 'O';
    public static final byte ERR = 'E';
    public static final byte EXIT = 'X';
    public static final byte ALIVE = 'K';
    /** Request header: "1" when the client wants {@link #ALIVE} frames (older clients do not know them). */
    public static final String ALIVE_HEADER = "alive";
    /** The longest the agent stays silent while a command runs. */
    public static final long ALIVE_EVERY_MILLIS = 1_000;

    /** Header: the client's working directory, against which relative paths are resolved. */
    public static final String CWD = "cwd";
    /** Header: "true" when the client's standard output is a terminal. */
    public static final String TTY = "tty";

    private Protocol() {
    }

    /** A decoded request. */
    public static final class Request {
        public final Map<String, String> headers;
        public final List<String> args;

        public Request(Map<String, String> headers, List<String> args) {
            this.headers = headers;
            this.args = args;
        }
    }

    public static void writeRequest(DataOutputStream out, Map<String, String> headers, List<String> args) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(headers.size());
        for (Map.Entry<String, String> e : headers.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        out.writeInt(args.size());
        for (String a : args) {
            writeString(out, a);
        }
        out.flush();
    }

    /**
     * Reads one request, refusing anything malformed or larger than {@link #MAX_REQUEST}.
     *
     * @throws IOException with a one-line reason
     */
    public static Request readRequest(DataInputStream in) throws IOException {
        int[] budget = {MAX_REQUEST};
        if (in.readInt() != MAGIC) {
            throw new IOException("not a forge-perf request");
        }
        int headerCount = count(in, 64);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < headerCount; i++) {
            headers.put(readString(in, budget), readString(in, budget));
        }
        int argc = count(in, 4096);
        List<String> args = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) {
            args.add(readString(in, budget));
        }
        return new Request(headers, args);
    }

    private static int count(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("malformed request (count " + n + ")");
        }
        return n;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in, int[] budget) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > budget[0]) {
            throw new IOException("request larger than " + MAX_REQUEST + " bytes");
        }
        budget[0] -= len;
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The most bytes a request can take on the wire (strings, their lengths and the counts). */
    public static final int MAX_REQUEST_BYTES = MAX_REQUEST + 4 * (3 + 2 * 64 + 4096);

    /** Thrown by {@link #parseRequest} while the request is not all there yet. */
    public static final class Incomplete extends Exception {
        private static final long serialVersionUID = 1L;
        /** The least number of bytes the whole request needs (more may turn out to be needed). */
        public final int needed;

        Incomplete(int needed) {
            super(null, null, false, false);
            this.needed = needed;
        }
    }

    /**
     * Parses a request from the first {@code length} bytes of {@code b}, which may hold only part of
     * it: the same rules as {@link #readRequest}, for a reader that does not block.
     *
     * @throws Incomplete when more bytes are needed, saying at least how many in all
     * @throws IOException with a one-line reason when the bytes cannot be a request
     */
    public static Request parseRequest(byte[] b, int length) throws Incomplete, IOException {
        int[] pos = {0};
        int[] budget = {MAX_REQUEST};
        if (intAt(b, length, pos) != MAGIC) {
            throw new IOException("not a forge-perf request");
        }
        int headerCount = countAt(b, length, pos, 64);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < headerCount; i++) {
            headers.put(stringAt(b, length, pos, budget), stringAt(b, length, pos, budget));
        }
        int argc = countAt(b, length, pos, 4096);
        List<String> args = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) {
            args.add(stringAt(b, length, pos, budget));
        }
        return new Request(headers, args);
    }

    private static int intAt(byte[] b, int length, int[] pos) throws Incomplete {
        int p = pos[0];
        if (length < p + 4) {
            throw new Incomplete(p + 4);
        }
        pos[0] = p + 4;
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    private static int countAt(byte[] b, int length, int[] pos, int max) throws Incomplete, IOException {
        int n = intAt(b, length, pos);
        if (n < 0 || n > max) {
            throw new IOException("malformed request (count " + n + ")");
        }
        return n;
    }

    /** A string; {@code budget[0]} counts the bytes of strings still allowed. */
    private static String stringAt(byte[] b, int length, int[] pos, int[] budget) throws Incomplete, IOException {
        int len = intAt(b, length, pos);
        if (len < 0 || len > budget[0]) {
            throw new IOException("request larger than " + MAX_REQUEST + " bytes");
        }
        int p = pos[0];
        if (length < p + len) {
            throw new Incomplete(p + len);
        }
        pos[0] = p + len;
        budget[0] -= len;
        return new String(b, p, len, StandardCharsets.UTF_8);
    }

    /** Writes one output frame ({@link #OUT} or {@link #ERR}). */
    public static void writeFrame(DataOutputStream out, byte type, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        out.writeByte(type);
        out.writeInt(b.length);
        out.write(b);
        out.flush();
    }

    /** Writes an {@link #ALIVE} frame. */
    public static void writeAlive(DataOutputStream out) throws IOException {
        out.writeByte(ALIVE);
        out.writeInt(0);
        out.flush();
    }

    public static void writeExit(DataOutputStream out, int status) throws IOException {
        out.writeByte(EXIT);
        out.writeInt(status);
        out.flush();
    }

    /** Receives output frames until the exit frame ({@link #ALIVE} frames are not passed on). */
    public interface FrameSink {
        void text(byte type, String text) throws IOException;
    }

    /**
     * Reads a response, passing output to {@code sink}; returns the exit status.
     *
     * @throws EOFException when the agent closed the connection before the exit frame
     */
    public static int readResponse(DataInputStream in, FrameSink sink) throws IOException {
        return readResponse(in, sink, () -> { });
    }

    /** {@link #readResponse(DataInputStream, FrameSink)}, telling {@code onAlive} of each {@link #ALIVE} frame. */
    public static int readResponse(DataInputStream in, FrameSink sink, Runnable onAlive) throws IOException {
        while (true) {
            byte type = in.readByte();
            if (type == EXIT) {
                return in.readInt();
            }
            if (type == ALIVE) {
                if (in.readInt() != 0) {
                    throw new IOException("malformed answer from the agent (alive frame with a body)");
                }
                onAlive.run();
                continue;
            }
            if (type != OUT && type != ERR) {
                throw new IOException("malformed answer from the agent (frame type " + type + ")");
            }
            int len = in.readInt();
            if (len < 0 || len > 64 * 1024 * 1024) {
                throw new IOException("malformed answer from the agent (frame length " + len + ")");
            }
            byte[] b = new byte[len];
            in.readFully(b);
            sink.text(type, new String(b, StandardCharsets.UTF_8));
        }
    }
}
