package dev.proa.lifecycle;

import dev.proa.config.ExitStatus;
import dev.proa.config.ExitStatuses;
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
     * launch, the launch's own, to which the summary adds the status).
     */
    record NotStarted(Reason reason, String why) implements Outcome {}

    /** Signal {@code number} arrived before COMMAND started. */
    record Signalled(int number) implements Outcome {}

    /** proa failed on a defect of its own (or was interrupted) before COMMAND's status was known. */
    record Failed(String why) implements Outcome {}

    /**
     * Why COMMAND was not started, and which of proa's statuses each gives (its number is the run's: {@link
     * ExitStatuses}, which --exit-status remaps).
     */
    enum Reason {
        /** The startup timeout passed with the Pod read, its sidecars (or --wait-* targets) not all ready. */
        STARTUP_TIMEOUT(ExitStatus.SIDECARS_NOT_READY),
        SIDECAR_FAILED(ExitStatus.SIDECARS_NOT_READY),
        /** The startup timeout passed before the API server ever gave the Pod (denied, unreachable, not the API). */
        API_FAILED(ExitStatus.PROA_FAILED),
        POD_NOT_FOUND(ExitStatus.PROA_FAILED),
        POD_GONE(ExitStatus.PROA_FAILED),
        POD_MALFORMED(ExitStatus.PROA_FAILED),
        NO_CLUSTER(ExitStatus.PROA_FAILED),
        SETUP_INVALID(ExitStatus.PROA_FAILED),
        /** COMMAND could not be started for a reason of the system's (out of memory, too many processes...). */
        LAUNCH_FAILED(ExitStatus.PROA_FAILED),
        NOT_EXECUTABLE(ExitStatus.NOT_EXECUTABLE),
        NOT_FOUND(ExitStatus.NOT_FOUND);

        public final ExitStatus status;

        Reason(ExitStatus status) {
            this.status = status;
        }

        /** The reason a failed launch gives, from its status (as a shell would give it). */
        public static Reason ofLaunch(ExitStatus status) {
            return switch (status) {
                case NOT_FOUND -> NOT_FOUND;
                case NOT_EXECUTABLE -> NOT_EXECUTABLE;
                default -> LAUNCH_FAILED;
            };
        }

        boolean launch() {
            return this == LAUNCH_FAILED || this == NOT_EXECUTABLE || this == NOT_FOUND;
        }
    }

    /** An Event on the Pod: its reason, whether it is a warning, and its message. */
    record Event(String reason, boolean warning, String message) {}

    /** The exit status proa gives for this outcome, its own statuses numbered as {@code statuses} says. */
    default int status(ExitStatuses statuses) {
        return switch (this) {
            case Ran r -> r.status();
            case NotStarted n -> statuses.of(n.reason().status);
            case Signalled s -> ExitStatus.ofSignal(s.number());
            case Failed f -> statuses.of(ExitStatus.PROA_FAILED);
        };
    }

    /** The Event that says it (with --events), if any: with the status, as the termination message has it. */
    default Optional<Event> event(ExitStatuses statuses) {
        return switch (this) {
            case Ran r -> Optional.of(new Event("CommandExited", false, summary(statuses)));
            case NotStarted n -> Optional.of(new Event("StartupFailed", true, summary(statuses)));
            case Signalled s -> Optional.of(new Event("StartupFailed", true, summary(statuses)));
            case Failed f -> Optional.empty(); // said in the log; an Event may be what failed
        };
    }

    /** The termination message's first part, in one line. */
    default String summary(ExitStatuses statuses) {
        String exit = " (exit " + status(statuses) + ")";
        return switch (this) {
            case Ran r -> "COMMAND exited with status " + r.status();
            case NotStarted n when n.reason().launch() -> n.why() + exit; // the launch's own sentence
            case NotStarted n -> "startup failed" + exit + ": " + n.why();
            case Signalled s -> "startup failed" + exit + ": signal " + s.number() + " arrived before COMMAND started";
            case Failed f -> "startup failed" + exit + ": " + f.why();
        };
    }
}
