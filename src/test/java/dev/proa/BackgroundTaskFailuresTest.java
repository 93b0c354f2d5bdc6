package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.config.Options;
import dev.proa.lifecycle.Startup;
import dev.proa.probe.HttpClients;
import dev.proa.process.Reaper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task the event loop runs in the background (a probe, a shutdown request) that fails on a defect of proa's own
 * (here: proa's HTTP client cannot be had) still answers, so that the phase waiting for it goes on.
 */
class BackgroundTaskFailuresTest {
    private final RecordingLogger log = new RecordingLogger();
    private final List<MockWebServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(MockWebServer::close);
    }

    /** proa's HTTP clients, of which the first {@code failures} cannot be had. */
    private static Function<HttpUrl, OkHttpClient> failing(int failures) {
        HttpClients clients = new HttpClients();
        AtomicInteger left = new AtomicInteger(failures);
        return url -> {
            if (left.getAndDecrement() > 0) throw new IllegalStateException("no HTTP client for " + url);
            return clients.apply(url);
        };
    }

    private EventLoop loop(Function<HttpUrl, OkHttpClient> http, String... args) {
        Options options = new Options();
        List<String> argv = new ArrayList<>(List.of(args));
        argv.add("true");
        Options.commandLine(options, Map.of()).parseArgs(argv.toArray(String[]::new));
        return new EventLoop(log, options.settings(), http, new Reaper(log), System.nanoTime());
    }

    private MockWebServer server(int answers) throws Exception {
        MockWebServer server = new MockWebServer();
        for (int i = 0; i < answers; i++) server.enqueue(new MockResponse.Builder().code(200).build());
        server.start();
        servers.add(server);
        return server;
    }

    @Test
    void aProbeThatFailsIsSaidOnceAndProbedAgain() throws Exception {
        MockWebServer ready = server(1);
        EventLoop loop = loop(failing(2), "--wait-http=" + ready.url("/ready")); // no startup timeout: waits for it

        Startup.End end = CompletableFuture.supplyAsync(() -> {
            try {
                return loop.awaitStartup();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);

        assertInstanceOf(Startup.Proceed.class, end, log.lines::toString);
        assertEquals(1, log.count("failed on an error of proa's own (no HTTP client for"), log.lines::toString);
        assertFalse(log.lines.stream().anyMatch(l -> !l.startsWith("DEBUG") && l.contains("Exception")),
                log.lines::toString);
    }

    @Test
    void aShutdownRequestThatCannotBeSentEndsAsFailed() throws Exception {
        MockWebServer quit = server(0);
        EventLoop loop = loop(failing(Integer.MAX_VALUE), "--shutdown-timeout=20s", "-p", quit.url("/quit").toString());

        long started = System.nanoTime();
        loop.stop();

        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15), "not waiting for the timeout: "
                + log.lines);
        assertEquals(1, log.count("Shutdown request POST " + quit.url("/quit") + " failed: proa could not send it, on"
                + " an error of its own (no HTTP client for"), log.lines::toString);
        assertEquals(0, quit.getRequestCount());
    }
}
