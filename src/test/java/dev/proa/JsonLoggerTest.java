package dev.proa;

import dev.proa.report.JsonLogger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.DefaultLoggingEvent;
import org.slf4j.event.Level;

class JsonLoggerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Test
    void writesTimeLevelLoggerAndFormattedMessage() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        JsonNode line = only(capture(() -> logger("proa").info("ready after {} ms in {}", 42, "jobs/x")));
        Instant after = Instant.now();

        assertEquals(List.of("time", "level", "logger", "message"), names(line));
        String time = line.get("time").asText();
        assertTrue(time.matches(TIME), time);
        Instant at = Instant.parse(time);
        assertFalse(at.isBefore(before) || at.isAfter(after), time);
        assertEquals("INFO", line.get("level").asText());
        assertEquals("proa", line.get("logger").asText());
        assertEquals("ready after 42 ms in jobs/x", line.get("message").asText());
    }

    @Test
    void keepsMillisecondsOnAWholeSecond() throws Exception {
        JsonLogger log = logger("proa");
        DefaultLoggingEvent event = new DefaultLoggingEvent(Level.WARN, log);
        event.setTimeStamp(Instant.parse("2026-11-21T07:12:41Z").toEpochMilli());
        event.setMessage("late");
        JsonNode line = only(capture(() -> log.log(event)));
        assertEquals("2026-11-21T07:12:41.000Z", line.get("time").asText());
        assertEquals("WARN", line.get("level").asText());
    }

    @Test
    void writesKeyValuePairsAsTopLevelFieldsWithTheirJsonTypes() throws Exception {
        URI url = URI.create("http://127.0.0.1:15020/quitquitquit");
        String out = capture(() -> logger("proa").atInfo()
                .addKeyValue("pod", "jobs/x")
                .addKeyValue("url", url)
                .addKeyValue("attempt", 3)
                .addKeyValue("elapsedMs", 1234567890123L)
                .addKeyValue("ratio", 0.5)
                .addKeyValue("share", 0.1f)
                .addKeyValue("exact", new BigDecimal("12.50"))
                .addKeyValue("ready", true)
                .addKeyValue("reason", (Object) null)
                .log("sent {} to {}", "POST", url));
        JsonNode line = only(out);

        assertEquals(List.of("time", "level", "logger", "message", "pod", "url", "attempt", "elapsedMs", "ratio",
                "share", "exact", "ready", "reason"), names(line));
        assertEquals("sent POST to " + url, line.get("message").asText());
        assertEquals("jobs/x", line.get("pod").textValue());
        assertEquals(url.toString(), line.get("url").textValue());
        assertTrue(line.get("attempt").isIntegralNumber());
        assertEquals(3, line.get("attempt").intValue());
        assertEquals(1234567890123L, line.get("elapsedMs").longValue());
        assertTrue(line.get("ratio").isFloatingPointNumber());
        assertEquals(0.5, line.get("ratio").doubleValue());
        // As written, not as a double reads back: a float as a float, a BigDecimal with its scale.
        assertTrue(out.contains("\"share\":0.1,\"exact\":12.50,"), out);
        assertTrue(line.get("ready").isBoolean());
        assertTrue(line.get("ready").booleanValue());
        assertTrue(line.get("reason").isNull());
    }

    @Test
    void keepsAMultiLineMessageOnOneLine() throws Exception {
        String role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nrules:\n- verbs: [\"get\", \"watch\"]\n\tend\r\n";
        String out = capture(() -> logger("proa").atError().addKeyValue("yaml", role).log("proa needs this Role:\n{}", role));
        assertEquals(1, out.split("\n", -1).length - 1, out);
        assertTrue(out.endsWith("}\n"), out);
        JsonNode line = only(out);
        assertEquals("proa needs this Role:\n" + role, line.get("message").asText());
        assertEquals(role, line.get("yaml").asText());
    }

    @Test
    void writesAThrowableAsErrorAndStack() throws Exception {
        Exception e = new IllegalStateException("no pod", new IOException("connection refused"));
        JsonLogger log = logger("proa");
        // The classic API's trailing Throwable, the fluent API's setCause, and its trailing Throwable argument.
        String out = capture(() -> {
            log.warn("watch of {} failed", "jobs/x", e);
            log.atWarn().setCause(e).addKeyValue("pod", "jobs/x").log("watch failed");
            log.atWarn().addArgument("jobs/x").addArgument(e).log("watch of {} failed");
        });
        List<JsonNode> lines = parse(out);
        assertEquals(3, lines.size(), out);
        for (JsonNode line : lines) {
            assertEquals("java.lang.IllegalStateException: no pod", line.get("error").asText());
            String stack = line.get("stack").asText();
            assertTrue(stack.startsWith("java.lang.IllegalStateException: no pod\n\tat dev.proa.JsonLoggerTest."), stack);
            assertTrue(stack.contains("\nCaused by: java.io.IOException: connection refused"), stack);
            assertFalse(stack.endsWith("\n"), stack);
        }
        assertEquals("watch of jobs/x failed", lines.get(0).get("message").asText());
        assertEquals(List.of("time", "level", "logger", "message", "pod", "error", "stack"), names(lines.get(1)));
        assertEquals("watch of jobs/x failed", lines.get(2).get("message").asText());
    }

    @Test
    void defaultsToInfoForProaAndWarnForLibraries() throws Exception {
        Properties none = new Properties();
        JsonLogger proa = new JsonLogger("proa", none);
        JsonLogger library = new JsonLogger("io.fabric8.kubernetes.client.Config", none);
        assertFalse(proa.isDebugEnabled());
        assertTrue(proa.isInfoEnabled());
        assertFalse(library.isInfoEnabled());
        assertTrue(library.isWarnEnabled());

        String out = capture(() -> {
            proa.debug("hidden");
            proa.atDebug().addKeyValue("pod", "jobs/x").log("hidden");
            proa.info("shown");
            library.info("hidden");
            library.atInfo().log("hidden");
            library.warn("shown");
        });
        List<JsonNode> lines = parse(out);
        assertEquals(List.of("proa", "io.fabric8.kubernetes.client.Config"),
                lines.stream().map(l -> l.get("logger").asText()).toList());
        assertEquals(List.of("shown", "shown"), lines.stream().map(l -> l.get("message").asText()).toList());
    }

    @Test
    void readsSlf4jSimpleLevelPropertiesByLongestDottedPrefix() throws Exception {
        Properties config = new Properties();
        config.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        config.setProperty("org.slf4j.simpleLogger.log.proa", "TRACE");
        config.setProperty("org.slf4j.simpleLogger.log.io.fabric8", "error");
        config.setProperty("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.informers", "off");

        assertTrue(new JsonLogger("proa", config).isTraceEnabled());
        assertEquals(Level.DEBUG, lowest(new JsonLogger("okhttp3.OkHttpClient", config)));
        assertEquals(Level.ERROR, lowest(new JsonLogger("io.fabric8.kubernetes.client.Config", config)));
        assertEquals(Level.ERROR, lowest(new JsonLogger("io.fabric8", config)));
        // A prefix ends at a dot: io.fabric8x is not under io.fabric8.
        assertEquals(Level.DEBUG, lowest(new JsonLogger("io.fabric8x.Other", config)));

        JsonLogger informer = new JsonLogger("io.fabric8.kubernetes.client.informers.impl.DefaultSharedIndexInformer", config);
        assertNull(lowest(informer));
        config.setProperty("org.slf4j.simpleLogger.log.proa", "off");
        JsonLogger proa = new JsonLogger("proa", config);
        assertNull(lowest(proa));
        assertEquals("", capture(() -> {
            informer.error("hidden", new RuntimeException());
            proa.error("hidden");
            proa.atError().addKeyValue("pod", "jobs/x").log("hidden");
        }));
    }

    @Test
    void linesOfConcurrentThreadsNeverInterleave() throws Exception {
        JsonLogger log = logger("proa");
        String text = "x".repeat(10_000) + "\n" + "y".repeat(10_000);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = i;
            threads.add(Thread.ofPlatform().unstarted(() -> {
                for (int j = 0; j < 50; j++) log.atInfo().addKeyValue("thread", n).addKeyValue("j", j).log(text);
            }));
        }
        String out = capture(threads, () -> {
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        List<JsonNode> lines = parse(out);
        assertEquals(400, lines.size());
        for (JsonNode line : lines) assertEquals(text, line.get("message").asText());
    }

    /**
     * The real path, LoggerFactory to stderr: in a fresh JVM, since this one has already bound slf4j-simple. The
     * child also proves that the level properties are read from the system properties, and that SLF4J's own
     * "Attempting to load provider" notice needs {@code slf4j.internal.verbosity=WARN} to keep stderr all JSON.
     */
    @Test
    void throughLoggerFactoryInAFreshJvm() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Dslf4j.provider=dev.proa.report.JsonLogProvider",
                "-Dslf4j.internal.verbosity=WARN", "-Dorg.slf4j.simpleLogger.log.proa=debug",
                "-cp", System.getProperty("java.class.path"), Child.class.getName())
                                .start();
        // Small outputs: they fit in the pipes, so reading after exit cannot deadlock.
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not exit");
        String out = new String(child.getInputStream().readAllBytes(), UTF_8);
        String err = new String(child.getErrorStream().readAllBytes(), UTF_8);
        assertEquals(0, child.exitValue(), err);
        assertEquals("", out);
        assertEquals(1, err.split("\n", -1).length - 1, err);
        JsonNode line = only(err);
        assertEquals(List.of("time", "level", "logger", "message", "pod", "attempt"), names(line));
        assertTrue(line.get("time").asText().matches(TIME));
        assertEquals("DEBUG", line.get("level").asText());
        assertEquals("proa", line.get("logger").asText());
        assertEquals("pod jobs/x is ready", line.get("message").asText());
        assertEquals("jobs/x", line.get("pod").asText());
        assertEquals(2, line.get("attempt").intValue());
    }

    /** Run by {@link #throughLoggerFactoryInAFreshJvm}: one line shown, two below their loggers' levels. */
    static final class Child {
        public static void main(String[] args) {
            Logger proa = LoggerFactory.getLogger("proa");
            proa.atDebug().addKeyValue("pod", "jobs/x").addKeyValue("attempt", 2).log("pod {} is ready", "jobs/x");
            proa.trace("hidden: proa is at debug");
            LoggerFactory.getLogger("io.fabric8.kubernetes.client.Config").info("hidden: libraries are at warn");
        }
    }

    private static JsonLogger logger(String name) {
        return new JsonLogger(name, new Properties());
    }

    /** The lowest level the logger writes, or null when it writes none. */
    private static Level lowest(Logger log) {
        for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
            if (log.isEnabledForLevel(level)) return level;
        }
        return null;
    }

    private static List<String> names(JsonNode line) {
        List<String> names = new ArrayList<>();
        line.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Each line of {@code out} as JSON: every line must be exactly one object, and the text must end with a newline. */
    private static List<JsonNode> parse(String out) throws IOException {
        assertTrue(out.isEmpty() || out.endsWith("\n"), out);
        List<JsonNode> lines = new ArrayList<>();
        for (String text : out.lines().toList()) {
            // readTree would accept trailing content after the object; this does not.
            JsonNode line = MAPPER.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(text);
            assertTrue(line.isObject(), text);
            lines.add(line);
        }
        return lines;
    }

    private static JsonNode only(String out) throws IOException {
        List<JsonNode> lines = parse(out);
        assertEquals(1, lines.size(), out);
        return lines.getFirst();
    }

    private static String capture(Runnable calls) {
        return capture(List.of(), calls);
    }

    /**
     * What {@code calls} write to System.err, checking they write nothing to System.out. Only this thread's writes
     * (and {@code threads}') are kept: lines from threads earlier tests left running pass through untouched.
     */
    private static String capture(List<Thread> threads, Runnable calls) {
        PrintStream err = System.err;
        PrintStream out = System.out;
        ThreadCapture errCapture = new ThreadCapture(threads, err);
        ThreadCapture outCapture = new ThreadCapture(threads, out);
        System.setErr(new PrintStream(errCapture, false, UTF_8));
        System.setOut(new PrintStream(outCapture, false, UTF_8));
        try {
            calls.run();
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        assertEquals("", outCapture.kept.toString(UTF_8), "stdout belongs to the command");
        return errCapture.kept.toString(UTF_8);
    }

    private static final class ThreadCapture extends OutputStream {
        final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        private final PrintStream others;

        ThreadCapture(List<Thread> threads, PrintStream others) {
            this.threads.add(Thread.currentThread());
            this.threads.addAll(threads);
            this.others = others;
        }

        @Override
        public synchronized void write(int b) {
            if (threads.contains(Thread.currentThread())) kept.write(b);
            else others.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (threads.contains(Thread.currentThread())) kept.write(b, off, len);
            else others.write(b, off, len);
        }
    }
}
