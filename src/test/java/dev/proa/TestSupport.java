package dev.proa;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.function.BooleanSupplier;

/** What the tests share: waiting for an event, counting in a log, a port where nothing listens, root-only tests. */
final class TestSupport {
    static final Duration GENEROUS = Duration.ofSeconds(20);

    private TestSupport() {}

    /** Waits until {@code condition} holds, generously: tests wait for events, never for time to pass. */
    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + GENEROUS.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + GENEROUS);
            Thread.sleep(20);
        }
    }

    /** How many times {@code part} occurs in {@code text}. */
    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
        return n;
    }

    /** When the first line of {@code log} that contains {@code part} was logged (its timestamp, text format). */
    static Instant loggedAt(String log, String part) {
        String line = log.lines().filter(l -> l.contains(part)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + part + "' in:\n" + log));
        return OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
    }

    /** The contents of {@code file}, empty when it does not exist yet. */
    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of lines of {@code file}, 0 when it does not exist yet. */
    static int lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A loopback port that refuses connections for as long as this is open: a socket bound to it that does not listen.
     * Holding the port (rather than finding a free one and releasing it) means no other process can take it meanwhile.
     */
    static final class RefusingPort implements AutoCloseable {
        private final Socket socket = new Socket();
        final int port;

        RefusingPort() throws IOException {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * For a test that needs root (or another privilege): skipped where it cannot run, but failed under {@code CI=true},
     * where a skipped test would hide that nothing was tested.
     */
    static void requirePrivilege(boolean available, String what) {
        if (available) return;
        if ("true".equals(System.getenv("CI"))) fail("CI=true, and this test " + what + ", which this machine lacks");
        assumeTrue(false, what);
    }
}
