package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The promise every bad input is held to (the README's "What happens when…"): one clear sentence naming the bad value
 * or file, the documented exit status, a bounded time, and none of Java's internals (an exception's class name, a
 * stack frame, a library's package) in the log at the default level. The corpus tests ({@code *BadInputsIT}) run each
 * bad input through the real proa process and hand the run to {@link #check}.
 */
final class BadInput {
    /** Java's internals: an exception or error class, a stack frame, a fully qualified name from the JDK or a library. */
    static final Pattern INTERNALS = Pattern.compile(
            "\\b\\w+(Exception|Throwable)\\b|^\\s+at [\\w.$]+\\(|\\b(java|javax|sun|jdk|io\\.fabric8|com\\.fasterxml|okhttp3"
                    + "|picocli|org\\.slf4j)\\.[a-z]\\w*\\.", Pattern.MULTILINE);

    private BadInput() {}

    /**
     * Waits for {@code run} to end within {@code bound} (measured from {@code startedNanos}, on System.nanoTime's
     * clock), then checks its status, that its log names {@code naming}, and that it shows no internals.
     */
    static void check(ProaRun run, long startedNanos, Duration bound, int status, String naming)
            throws InterruptedException {
        int exited = run.exitStatus();
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        String log = run.log();
        assertEquals(status, exited, "exit status; the log:\n" + log);
        assertTrue(took.compareTo(bound) <= 0, "took " + took + ", more than " + bound + "; the log:\n" + log);
        assertTrue(log.contains(naming), "the log does not name '" + naming + "':\n" + log);
        noInternals(log);
    }

    /** Fails when {@code log} shows Java's internals. */
    static void noInternals(String log) {
        Matcher m = INTERNALS.matcher(log);
        if (m.find()) fail("the log shows Java's internals ('" + m.group() + "'):\n" + log);
    }
}
