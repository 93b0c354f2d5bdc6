package dev.proa.lifecycle;

import dev.proa.config.ExitStatus;
import java.util.Optional;

/**
 * How the run ended, before the shutdown: COMMAND ran (its status), it was not started (and why), a signal stopped
 * proa before it started, or proa itself failed. The exit status, the Event and the termination message are chosen
 * here, each by one switch, and from nothing else: rewording a log line changes none of them.
 */
public sealed interface Outcome {
    /** COMMAND ran and exited with {@code status} (128+N when signal N killed it). */
    record Ran(int status) implements Outcome {}

    /**
     * COMMAND was not started: {@code reason}, said in {@code why} (one sentence, for the operator; for a failed
     * launch, the whole summary, as the launch words it).
     */
    record NotStarted(Reason reason, String why) implements Outcome {}

    /** Signal {@code number} arrived before COMMAND started. */
    record Signalled(int number) implements Outcome {}

    /** proa failed on a defect of its own (or was interrupted) before COMMAND's status was known. */
    record Failed(String why) implements Outcome {}

    /**
     * Why COMMAND was not started, and the exit status each gives: the one table a distinct status per reason (or a
     * remap option) changes.
     */
    enum Reason {
        STARTUP_TIMEOUT(ExitStatus.STARTUP_FAILED),
        SIDECAR_FAILED(ExitStatus.STARTUP_FAILED),
        POD_NOT_FOUND(ExitStatus.STARTUP_FAILED),
        POD_GONE(ExitStatus.STARTUP_FAILED),
        POD_MALFORMED(ExitStatus.STARTUP_FAILED),
        NO_CLUSTER(ExitStatus.STARTUP_FAILED),
        SETUP_INVALID(ExitStatus.STARTUP_FAILED),
        /** COMMAND could not be started for a reason of the system's (out of memory, too many processes...). */
        LAUNCH_FAILED(ExitStatus.STARTUP_FAILED),
        NOT_EXECUTABLE(ExitStatus.NOT_EXECUTABLE),
        NOT_FOUND(ExitStatus.NOT_FOUND);

        public final int status;

        Reason(int status) {
            this.status = status;
        }

        /** The reason a failed launch gives, from its status (as a shell would give it). */
        public static Reason ofLaunch(int status) {
            return switch (status) {
                case ExitStatus.NOT_FOUND -> NOT_FOUND;
                case ExitStatus.NOT_EXECUTABLE -> NOT_EXECUTABLE;
                default -> LAUNCH_FAILED;
            };
        }

        boolean launch() {
            return this == LAUNCH_FAILED || this == NOT_EXECUTABLE || this == NOT_FOUND;
        }
    }

    /** An Event on the Pod: its reason, whether it is a warning, and its message. */
    record Event(String reason, boolean warning, String message) {}

    /** The exit status proa gives for this outcome. */
    default int status() {
        return switch (this) {
            case Ran r -> r.status();
            case NotStarted n -> n.reason().status;
            case Signalled s -> ExitStatus.ofSignal(s.number());
            case Failed f -> ExitStatus.STARTUP_FAILED;
        };
    }

    /** The Event that says it (with --events), if any. */
    default Optional<Event> event() {
        return switch (this) {
            case Ran r -> Optional.of(new Event("CommandExited", false, summary()));
            case NotStarted n -> Optional.of(new Event("StartupFailed", true, n.reason().launch() ? summary() : n.why()));
            case Signalled s -> Optional.of(new Event("StartupFailed", true, signalled(s)));
            case Failed f -> Optional.empty(); // said in the log; an Event may be what failed
        };
    }

    /** The termination message's first part, in one line. */
    default String summary() {
        return switch (this) {
            case Ran r -> "COMMAND exited with status " + r.status();
            case NotStarted n when n.reason().launch() -> n.why(); // the launch's own sentence, with its status
            case NotStarted n -> "startup failed (exit " + status() + "): " + n.why();
            case Signalled s -> "startup failed (exit " + status() + "): " + signalled(s);
            case Failed f -> "startup failed: " + f.why();
        };
    }

    private static String signalled(Signalled s) {
        return "signal " + s.number() + " arrived before COMMAND started";
    }
}
