package dev.forgeperf.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ProtocolTest {
    @Test
    void requestRoundTrip() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Protocol.CWD, "/home/ünï");
        headers.put(Protocol.TTY, "true");
        Protocol.writeRequest(new DataOutputStream(buf), headers, List.of("timings", "123", "--sort", "p99"));
        Protocol.Request r = Protocol.readRequest(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())));
        assertEquals(headers, r.headers);
        assertEquals(List.of("timings", "123", "--sort", "p99"), r.args);
    }

    @Test
    void responseFramesThenExit() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buf);
        Protocol.writeFrame(out, Protocol.OUT, "hello\n");
        Protocol.writeAlive(out);
        Protocol.writeFrame(out, Protocol.ERR, "warn\n");
        Protocol.writeAlive(out);
        Protocol.writeFrame(out, Protocol.OUT, "world\n");
        Protocol.writeExit(out, 3);
        List<String> seen = new ArrayList<>();
        int status = Protocol.readResponse(new DataInputStream(new ByteArrayInputStream(buf.toByteArray())),
                (type, text) -> seen.add((char) type + text));
        assertEquals(3, status);
        assertEquals(List.of("Ohello\n", "Ewarn\n", "Oworld\n"), seen);
    }

    @Test
    void malformedAndOversizedRequestsAreRefused() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buf);
        out.writeInt(0x12345678);
        IOException bad = assertThrows(IOException.class, () -> Protocol.readRequest(in(buf)));
        assertEquals("not a forge-perf request", bad.getMessage());

        buf.reset();
        out.writeInt(Protocol.MAGIC);
        out.writeInt(0);
        out.writeInt(1);
        out.writeInt(Protocol.MAX_REQUEST + 1);
        IOException big = assertThrows(IOException.class, () -> Protocol.readRequest(in(buf)));
        assertTrue(big.getMessage().contains("larger than"), big.getMessage());

        buf.reset();
        out.writeInt(Protocol.MAGIC);
        out.writeInt(-5);
        assertThrows(IOException.class, () -> Protocol.readRequest(in(buf)));

        buf.reset();
        out.writeInt(Protocol.MAGIC);
        out.writeInt(0);
        out.writeInt(2);
        out.writeInt(3);
        out.write("abc".getBytes());
        assertThrows(EOFException.class, () -> Protocol.readRequest(in(buf)), "truncated request");
    }

    @Test
    void answerCutShortIsAnEof() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Protocol.writeFrame(new DataOutputStream(buf), Protocol.OUT, "partial");
        assertThrows(EOFException.class, () -> Protocol.readResponse(in(buf), (t, s) -> { }));
    }

    private static DataInputStream in(ByteArrayOutputStream buf) {
        return new DataInputStream(new ByteArrayInputStream(buf.toByteArray()));
    }

    @Test
    void aRequestArrivingByteByByteParsesOnlyWhenWholeAndSaysHowMuchItNeeds() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Protocol.CWD, "/tmp/ünï");
        Protocol.writeRequest(new DataOutputStream(buf), headers, List.of("status", "42", "--json"));
        byte[] whole = buf.toByteArray();
        int parses = 0;
        int needed = 0;
        for (int length = 0; length < whole.length; length++) {
            if (length < needed) {
                continue;
            }
            parses++;
            final int len = length;
            Protocol.Incomplete more = assertThrows(Protocol.Incomplete.class, () -> Protocol.parseRequest(whole, len));
            assertTrue(more.needed > length && more.needed <= whole.length, more.needed + " for " + length + " of " + whole.length);
            needed = more.needed;
        }
        Protocol.Request r = Protocol.parseRequest(whole, whole.length);
        assertEquals(headers, r.headers);
        assertEquals(List.of("status", "42", "--json"), r.args);
        // a parse per field, not per byte
        assertTrue(parses <= 2 * (3 + 2 + 3), "parsed " + parses + " times");
    }

    @Test
    void theNonBlockingParserRefusesWhatTheStreamParserRefuses() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buf);
        out.writeInt(0x12345678);
        IOException bad = assertThrows(IOException.class, () -> Protocol.parseRequest(buf.toByteArray(), buf.size()));
        assertEquals("not a forge-perf request", bad.getMessage());
        buf.reset();
        out.writeInt(Protocol.MAGIC);
        out.writeInt(0);
        out.writeInt(2);
        out.writeInt(Protocol.MAX_REQUEST - 3);
        out.write(new byte[Protocol.MAX_REQUEST - 3]);
        out.writeInt(4);
        bad = assertThrows(IOException.class, () -> Protocol.parseRequest(buf.toByteArray(), buf.size()));
        assertTrue(bad.getMessage().contains("larger than"), bad.getMessage());
        assertTrue(buf.size() <= Protocol.MAX_REQUEST_BYTES);
    }
}
