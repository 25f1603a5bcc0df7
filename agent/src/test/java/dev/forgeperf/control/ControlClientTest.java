package dev.forgeperf.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's silence bound against a scripted agent on a real Unix socket: an agent that takes
 * the connection and never answers ends the call with {@link ControlClient.NoAnswer}; one that
 * sends alive frames through a command longer than the bound is waited for; the agent's own
 * {@link AnswerStream} beats only after a quiet spell and never after the exit status.
 */
class ControlClientTest {
    @TempDir
    Path dir;

    /** Runs {@code agent} on every accepted connection (after reading the request) on a daemon thread. */
    private Path agent(Agent agent) throws IOException {
        Path socket = dir.resolve("a.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (server; SocketChannel ch = server.accept()) {
                Protocol.readRequest(new DataInputStream(Channels.newInputStream(ch)));
                agent.answer(ch, new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch))));
            } catch (Exception ignored) {
                // the client closed
            }
        }, "scripted-agent");
        t.setDaemon(true);
        t.start();
        return socket;
    }

    interface Agent {
        void answer(SocketChannel ch, DataOutputStream out) throws Exception;
    }

    @Test
    void anAgentThatSendsNothingEndsTheCallAfterTheBound() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Path socket = agent((ch, out) -> {
            // a stopped JVM: the request sits unread, nothing comes back, until the client gives up
            while (ch.read(java.nio.ByteBuffer.allocate(16)) >= 0) {
                // drain
            }
            closed.countDown();
        });
        long start = System.nanoTime();
        ControlClient.NoAnswer e = assertThrows(ControlClient.NoAnswer.class, () -> ControlClient.run(socket, Map.of(), List.of("status", "1"),
                (type, text) -> { }, call -> { }, Duration.ofMillis(300), null));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60), "a hang bound, not a timing");
        assertEquals("the agent sent nothing for 300ms (it did not take the command)", e.getMessage());
        assertTrue(closed.await(60, TimeUnit.SECONDS), "the client closes its connection when it gives up");
    }

    @Test
    void aCommandThatOnlySaysItIsAliveIsWaitedForPastTheBound() throws Exception {
        Path socket = agent((ch, out) -> {
            Protocol.writeAlive(out);
            for (int i = 0; i < 12; i++) {
                Thread.sleep(100);
                Protocol.writeAlive(out);
            }
            Protocol.writeFrame(out, Protocol.OUT, "done\n");
            Protocol.writeExit(out, 0);
        });
        StringBuilder seen = new StringBuilder();
        int status = ControlClient.run(socket, Map.of(), List.of("profile", "1"), (type, text) -> seen.append(text), call -> { },
                Duration.ofMillis(1000), null);
        assertEquals(0, status);
        assertEquals("done\n", seen.toString(), "alive frames are not output");
    }

    @Test
    void anAgentThatTookTheCommandAndFellSilentIsNamedSo() throws Exception {
        Path socket = agent((ch, out) -> {
            Protocol.writeAlive(out);
            Protocol.writeFrame(out, Protocol.OUT, "part\n");
            Thread.sleep(60_000);
        });
        ControlClient.NoAnswer e = assertThrows(ControlClient.NoAnswer.class, () -> ControlClient.run(socket, Map.of(), List.of("status", "1"),
                (type, text) -> { }, call -> { }, Duration.ofMillis(300), null));
        assertEquals("the agent took the command and then sent nothing for 300ms", e.getMessage());
    }

    @Test
    void aRunningJvmIsWaitedForLongerAStoppedOneIsNot() throws Exception {
        Agent pause = (ch, out) -> {
            Protocol.writeAlive(out);
            Thread.sleep(1_000); // a long GC pause: no beat either
            Protocol.writeExit(out, 0);
        };
        assertEquals(0, ControlClient.run(agent(pause), Map.of(), List.of("gc", "1"), (type, text) -> { }, call -> { },
                Duration.ofMillis(300), () -> false));
        Files.delete(dir.resolve("a.sock"));
        ControlClient.NoAnswer e = assertThrows(ControlClient.NoAnswer.class, () -> ControlClient.run(agent(pause), Map.of(), List.of("gc", "1"),
                (type, text) -> { }, call -> { }, Duration.ofMillis(300), () -> true));
        assertEquals("the agent took the command and then sent nothing for 300ms; the JVM is stopped (SIGSTOP, or a debugger holds it)", e.getMessage());
        assertEquals(Boolean.TRUE, e.stopped());
    }

    @Test
    void anOlderAgentWithoutAliveFramesAndASlowReaderAreNotSilence() throws Exception {
        Path older = agent((ch, out) -> {
            Protocol.writeFrame(out, Protocol.OUT, "recording\n");
            Thread.sleep(1_000);
            Protocol.writeExit(out, 0);
        });
        assertEquals(0, ControlClient.run(older, Map.of(), List.of("profile", "1"), (type, text) -> { }, call -> { }, Duration.ofMillis(300), null));
        Files.delete(dir.resolve("a.sock"));
        Path fast = agent((ch, out) -> {
            Protocol.writeAlive(out);
            Protocol.writeFrame(out, Protocol.OUT, "a\n");
            Protocol.writeFrame(out, Protocol.OUT, "b\n");
            Protocol.writeExit(out, 0);
        });
        StringBuilder seen = new StringBuilder();
        assertEquals(0, ControlClient.run(fast, Map.of(), List.of("dump", "threads", "1"), (type, text) -> {
            seen.append(text);
            try {
                Thread.sleep(700); // the user's pipe is full: our own time, not the agent's silence
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, call -> { }, Duration.ofMillis(300), null));
        assertEquals("a\nb\n", seen.toString());
    }

    @Test
    void beatsComeOnlyAfterAQuietSpellAndNeverAfterTheExit() throws Exception {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        AnswerStream a = new AnswerStream(new DataOutputStream(buf));
        a.frame(Protocol.OUT, "x");
        a.beat();
        assertEquals(1 + 4 + 1, buf.size(), "no beat right after a frame");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (buf.size() == 6 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            a.beat();
        }
        assertEquals(6 + 5, buf.size(), "one alive frame once quiet");
        assertEquals(Protocol.ALIVE, buf.toByteArray()[6]);
        a.exit(0);
        int size = buf.size();
        Thread.sleep(Protocol.ALIVE_EVERY_MILLIS + 100);
        a.beat();
        assertEquals(size, buf.size(), "nothing after the exit status");
        assertThrows(IOException.class, () -> a.frame(Protocol.OUT, "late"));
        assertFalse(Files.exists(dir.resolve("a.sock")));
    }
}
