package dev.proa.process;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import dev.proa.config.Durations;
import dev.proa.config.ExitStatus;
import dev.proa.config.ExitStatuses;
import dev.proa.report.Logging;
import java.util.function.IntConsumer;
import org.slf4j.Logger;

/**
 * The middle phase: start COMMAND with proa's stdin, stdout, stderr, environment and working directory, pass signals
 * to it, and say how it ended. Its exit reaches the lifecycle's event loop as an event.
 */
public final class Command {
    private final Logger log;
    private final long pid;
    private final boolean group;
    private final long started = System.nanoTime();

    private Command(Logger log, long pid, boolean group) {
        this.log = log;
        this.pid = pid;
        this.group = group;
    }

    /** COMMAND could not be started: which of proa's statuses says why, and one line saying so (without its number). */
    public record LaunchFailure(ExitStatus status, String summary) {}

    /**
     * Starts COMMAND with what proa was given (see {@link Inherited}) in a process group of its own, the terminal's
     * foreground group when proa's stdin is the terminal proa is in the foreground of; {@code exited} hears its exit
     * status (128+N if signal N killed it) once it exits, after proa has the terminal back. With {@code group}, a
     * forwarded signal goes to COMMAND's whole process group. Throws {@link LaunchFailed} when it cannot be started
     * (proa-failed, not-executable, not-found: see {@link ExitStatus}), having said why.
     */
    public static Command start(Logger log, List<String> argv, boolean group, Reaper reaper, ExitStatuses statuses,
            IntConsumer exited) throws LaunchFailed {
        Spawn.Request request = request(argv);
        boolean terminal = request.terminal();
        Spawn.Result result = reaper.spawn(request, status -> {
            if (terminal && Spawn.canGiveTheTerminal()) takeTerminalBack(log);
            exited.accept(status);
        });
        if (result.errno() != 0) {
            ExitStatus status = ExitStatus.ofExecErrno(result.errno());
            String reason = Libc.strerror(result.errno());
            log.error("Could not start COMMAND {}: {}; {}; exit {}", quoted(argv), reason,
                    hint(result.errno(), argv.getFirst(), request.environment()), statuses.of(status));
            throw new LaunchFailed(new LaunchFailure(status, "could not start COMMAND: " + reason));
        }
        Logging.with(log.atInfo(), "command", quoted(argv), "pid", result.pid())
                .log("Started COMMAND {} (pid {})", quoted(argv), result.pid());
        return new Command(log, result.pid(), group);
    }

    /** How COMMAND is to be started: with what proa was given (see {@link Inherited}). */
    private static Spawn.Request request(List<String> argv) {
        Inherited.Snapshot given = Inherited.snapshot();
        boolean terminal = given.fds().contains(0) && Inherited.isTerminal(0)
                && Libc.foreground(0) == Libc.processGroup();
        int closeFrom = given.fds().isEmpty() ? 0 : given.fds().getLast() + 1;
        List<Integer> close = Inherited.open().stream().filter(fd -> !given.fds().contains(fd)).toList();
        return new Spawn.Request(Inherited.argv(argv), given.environment(), close, closeFrom,
                CommandSignals.ofMask(given.ignored()), terminal);
    }

    /**
     * While proa waits for the sidecars: goes through COMMAND's start but for the spawn itself ({@link
     * Spawn#rehearse}), on a thread of its own, so that the start the sidecars' readiness then triggers waits less.
     * Only an optimisation: what fails is COMMAND's start's to say.
     */
    public static void rehearse(Logger log, List<String> argv) {
        Thread.ofPlatform().daemon().name("proa-spawn-rehearsal").start(() -> {
            try {
                Spawn.rehearse(request(argv));
            } catch (RuntimeException e) {
                log.debug("Rehearsing COMMAND's start failed; its start will say what fails", e);
            }
        });
    }

    /** What to check, for the errnos a wrong COMMAND gives (exec's own words say only what went wrong). */
    private static String hint(int errno, String command, List<byte[]> environment) {
        return switch (errno) {
            case 2, 20 -> (command.contains("/") ? "check the path" : "check that it is installed, with its directory"
                    + " on PATH (" + path(environment) + ")") + " (a missing #! interpreter of a script, or loader of a"
                    + " program, gives this too)";
            case 13 -> "check that it is a file with the executable bit set, not a directory, on a file system not"
                    + " mounted noexec";
            case 8 -> "it is neither a program for this machine nor a script starting with #!: add a #! line, or run"
                    + " it through its interpreter (sh FILE)";
            default -> "proa could not start a process";
        };
    }

    /** The PATH COMMAND is looked up on: posix_spawnp's, the first PATH of the environment, or its default. */
    private static String path(List<byte[]> environment) {
        for (byte[] entry : environment) {
            String text = new String(entry, java.nio.charset.StandardCharsets.UTF_8);
            if (text.startsWith("PATH=")) return "PATH=" + text.substring(5);
        }
        return "PATH is unset, so /bin:/usr/bin";
    }

    /** COMMAND had the terminal: proa takes it back, so that a shell it returns to can read it again. */
    private static void takeTerminalBack(Logger log) {
        try {
            Libc.giveTerminal(0, Libc.processGroup());
        } catch (Libc.Failure e) {
            log.debug("Could not take the terminal back from COMMAND's process group: {}", e.getMessage());
        }
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
        String whom = group ? "COMMAND's process group" : "COMMAND";
        try {
            Libc.kill(group ? -pid : pid, number);
            log.info("Forwarded SIG{} to {} (pid {})", name, whom, pid);
        } catch (Libc.Failure e) {
            log.warn("Could not forward SIG{} to {} (pid {}): {}; it may have exited already", name, whom, pid,
                    e.getMessage());
        }
    }

    private static String quoted(List<String> argv) {
        return argv.stream().map(Command::shellQuote).collect(Collectors.joining(" "));
    }

    /** How a shell would need it typed, so an operator can paste it. */
    public static String shellQuote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
