package dev.proa.process;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import dev.proa.config.Durations;
import dev.proa.config.ExitStatus;
import dev.proa.report.Logging;
import java.util.function.IntConsumer;
import org.slf4j.Logger;

/**
 * The middle phase: start COMMAND with proa's stdin, stdout, stderr, environment and working directory, pass signals
 * to it, and say how it ended. Its exit reaches the lifecycle's event loop as an event.
 */
public final class Command {
    private final Logger log;
    private final List<String> argv;
    private final Process process;
    private final long started = System.nanoTime();

    private Command(Logger log, List<String> argv, Process process) {
        this.log = log;
        this.argv = argv;
        this.process = process;
    }

    /** COMMAND could not be started: the exit status that says why, and one line saying so. */
    public record LaunchFailure(int status, String summary) {}

    /**
     * Starts COMMAND; {@code exited} hears its exit status (128+N if signal N killed it) once it exits. Throws
     * {@link LaunchFailed} when it cannot be started (125-127), having said why.
     */
    public static Command start(Logger log, List<String> argv, Reaper reaper, IntConsumer exited) throws LaunchFailed {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
            restoreJavaOptions(builder.environment());
            process = reaper.start(builder);
        } catch (IOException e) {
            int status = ExitStatus.ofLaunchFailure(e.getMessage());
            String quoted = quoted(argv);
            log.error("Could not start COMMAND {}: {}; exit {}", quoted, reason(e), status);
            throw new LaunchFailed(new LaunchFailure(status, "could not start COMMAND: " + reason(e) + " (exit " + status + ")"));
        }
        Command command = new Command(log, argv, process);
        Logging.with(log.atInfo(), "command", quoted(argv), "pid", process.pid())
                .log("Started COMMAND {} (pid {})", quoted(argv), process.pid());
        process.onExit().thenRun(() -> exited.accept(process.exitValue()));
        return command;
    }

    /** Thrown by {@link #start} when COMMAND could not be started. */
    public static final class LaunchFailed extends Exception {
        public final transient LaunchFailure failure;

        LaunchFailed(LaunchFailure failure) {
            super(failure.summary(), null, false, false);
            this.failure = failure;
        }
    }

    /** Says how COMMAND ended; returns the one line for the termination message. */
    public String exited(int status) {
        String took = Durations.human(Duration.ofNanos(System.nanoTime() - started));
        if (status > 128 && status < 160) {
            Logging.with(log.atInfo(), "status", status).log("COMMAND exited with status {} after {} (killed by"
                    + " signal {}, or it chose that status)", status, took, status - 128);
        } else {
            Logging.with(log.atInfo(), "status", status).log("COMMAND exited with status {} after {}", status, took);
        }
        return "COMMAND exited with status " + status;
    }

    /** Passes signal {@code number} ("SIG" + {@code name}) on to COMMAND. */
    public void forward(int number, String name) {
        try {
            Libc.kill(process.pid(), number);
            log.info("Forwarded SIG{} to COMMAND (pid {})", name, process.pid());
        } catch (Libc.Failure e) {
            log.warn("Could not forward SIG{} to COMMAND (pid {}): {}; it may have exited already", name, process.pid(),
                    e.getMessage());
        }
    }

    /**
     * The launcher keeps the JVM option variables meant for the user's own Java program (JAVA_TOOL_OPTIONS and its
     * kin) from proa's JVM, as PROA_KEEP_name; COMMAND gets them back under their own names.
     */
    public static void restoreJavaOptions(java.util.Map<String, String> environment) {
        CommandSignals.clean(environment); // first: a user's own _JAVA_SR_SIGNUM comes back below
        for (String kept : List.copyOf(environment.keySet())) {
            if (kept.startsWith(KEPT)) environment.put(kept.substring(KEPT.length()), environment.remove(kept));
        }
    }

    private static final String KEPT = "PROA_KEEP_";

    private static String quoted(List<String> argv) {
        return argv.stream().map(Command::shellQuote).collect(Collectors.joining(" "));
    }

    /** How a shell would need it typed, so an operator can paste it. */
    public static String shellQuote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The system's own words for why exec failed ("No such file or directory"), from the JDK's message. */
    private static String reason(IOException e) {
        String message = String.valueOf(e.getMessage());
        java.util.regex.Matcher m = STRERROR.matcher(message);
        if (m.find()) return m.group(1).strip();
        int colon = message.indexOf("\": "); // after 'Cannot run program "x"'
        return (colon >= 0 ? message.substring(colon + 3) : message).strip();
    }

    /** "error=2, No such file or directory" (JDK 21) or "error: 2 (No such file or directory)" (JDK 25). */
    private static final java.util.regex.Pattern STRERROR =
            java.util.regex.Pattern.compile("error(?:=\\d+, |: \\d+ \\()([^)]+)");
}
