package dev.proa;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The middle phase: run COMMAND with proa's stdin, stdout, stderr, environment and working directory, pass signals to
 * it, and report how it ended as an exit status.
 */
final class Command {
    private final Logger log;
    private final List<String> argv;
    private final Reaper reaper;
    private final Signals signals;

    Command(Logger log, List<String> argv, Reaper reaper, Signals signals) {
        this.log = log;
        this.argv = argv;
        this.reaper = reaper;
        this.signals = signals;
    }

    /** How it went: the exit status, whether COMMAND ran at all, and one line saying so. */
    record Result(int status, boolean ran, String summary) {}

    /**
     * Runs COMMAND to its end: its exit status (128+N if signal N killed it); or 125-127 if it could not be started,
     * or 128+N if signal N arrived just before.
     */
    Result run() throws InterruptedException {
        if (!signals.launching()) {
            int status = ExitStatus.ofSignal(signals.stoppedBy());
            return new Result(status, false, "signal " + signals.stoppedBy() + " arrived before COMMAND started");
        }
        Process process;
        long started = System.nanoTime();
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
            restoreJavaOptions(builder.environment());
            process = reaper.start(builder);
        } catch (IOException e) {
            int status = ExitStatus.ofLaunchFailure(e);
            log.error("Could not start COMMAND {}: {}; exit {}", quoted(), reason(e), status);
            return new Result(status, false, "could not start COMMAND: " + reason(e) + " (exit " + status + ")");
        }
        signals.forwardTo(process);
        Logging.with(log.atInfo(), "command", quoted(), "pid", process.pid())
                .log("Started COMMAND {} (pid {})", quoted(), process.pid());
        int status = process.waitFor();
        String took = Durations.human(Duration.ofNanos(System.nanoTime() - started));
        if (status > 128 && status < 160) {
            Logging.with(log.atInfo(), "status", status).log("COMMAND exited with status {} after {} (killed by"
                    + " signal {}, or it chose that status)", status, took, status - 128);
        } else {
            Logging.with(log.atInfo(), "status", status).log("COMMAND exited with status {} after {}", status, took);
        }
        return new Result(status, true, "COMMAND exited with status " + status);
    }

    /**
     * The launcher keeps the JVM option variables meant for the user's own Java program (JAVA_TOOL_OPTIONS and its
     * kin) from proa's JVM, as PROA_KEEP_name; COMMAND gets them back under their own names.
     */
    static void restoreJavaOptions(java.util.Map<String, String> environment) {
        for (String kept : List.copyOf(environment.keySet())) {
            if (kept.startsWith(KEPT)) environment.put(kept.substring(KEPT.length()), environment.remove(kept));
        }
    }

    private static final String KEPT = "PROA_KEEP_";

    private String quoted() {
        return argv.stream().map(Command::shellQuote).collect(Collectors.joining(" "));
    }

    /** How a shell would need it typed, so an operator can paste it. */
    static String shellQuote(String word) {
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
