package dev.proa;

import java.util.List;
import org.slf4j.Logger;
import sun.misc.Signal;

/**
 * PID 1's duty to pass signals on. What a signal does depends on the phase:
 * <ul>
 *   <li>before COMMAND starts: it is never started; the shutdown runs and proa exits 128+N;</li>
 *   <li>while COMMAND runs: the same signal goes to COMMAND, whose exit then ends the run as usual;</li>
 *   <li>during the shutdown: the shutdown goes on (the kubelet's grace period bounds it), but a SIGTERM or SIGINT
 *       when proa had already received one skips the rest of the waiting.</li>
 * </ul>
 * The JDK's own handlers (which would exit at once) are replaced; SIGQUIT stays the JVM's thread dump.
 */
final class Signals {
    static final List<String> FORWARDED = List.of("TERM", "INT", "HUP", "USR1", "USR2");

    private enum Phase { STARTING, LAUNCHING, RUNNING, SHUTTING_DOWN }

    private final Logger log;
    private final Runnable wake;
    private Phase phase = Phase.STARTING;
    private Process command;
    private int stoppedBy; // the first signal that arrived before COMMAND ran, or 0
    private int pending; // the first signal that arrived while COMMAND was being started, or 0
    private int stops; // SIGTERMs and SIGINTs received so far
    private boolean skipWaiting;

    /** {@code wake} is called whenever a waiter should look at {@link #stoppedBy} or {@link #skipWaiting} again. */
    Signals(Logger log, Runnable wake) {
        this.log = log;
        this.wake = wake;
    }

    void install() {
        for (String name : FORWARDED) Signal.handle(new Signal(name), s -> received(s.getNumber(), s.getName()));
    }

    /**
     * COMMAND is about to be started: false if a signal already said not to. From here on a signal is kept for
     * COMMAND, not taken as a reason to skip it.
     */
    synchronized boolean launching() {
        if (stoppedBy != 0) return false;
        phase = Phase.LAUNCHING;
        return true;
    }

    /** COMMAND is running: signals go to it from now on, including one that arrived while it was being started. */
    synchronized void forwardTo(Process process) {
        command = process;
        phase = Phase.RUNNING;
        if (pending != 0) forward(pending, "SIG" + signalName(pending));
    }

    synchronized void shuttingDown() {
        phase = Phase.SHUTTING_DOWN;
        command = null;
    }

    /** The signal that cut the startup short, or 0. */
    synchronized int stoppedBy() {
        return stoppedBy;
    }

    /** Whether a repeated SIGTERM or SIGINT asked the shutdown not to wait for the sidecars any longer. */
    synchronized boolean skipWaiting() {
        return skipWaiting;
    }

    synchronized void received(int number, String name) {
        String signal = "SIG" + name;
        boolean isStop = name.equals("TERM") || name.equals("INT");
        if (isStop) stops++;
        switch (phase) {
            case STARTING -> {
                if (stoppedBy == 0) {
                    stoppedBy = number;
                    log.warn("Received {} before COMMAND started: COMMAND will not be started; proa exits {}",
                            signal, ExitStatus.ofSignal(number));
                }
            }
            case LAUNCHING -> {
                if (pending == 0) {
                    pending = number;
                    log.info("Received {} while COMMAND was being started: it goes to COMMAND once it runs", signal);
                }
            }
            case RUNNING -> forward(number, signal);
            case SHUTTING_DOWN -> {
                if (isStop && stops > 1) {
                    skipWaiting = true;
                    log.warn("Received {} again during the shutdown: no longer waiting for the sidecars to stop", signal);
                } else if (isStop) {
                    log.info("Received {} during the shutdown: it goes on; send SIGTERM or SIGINT again to stop waiting"
                            + " for the sidecars", signal);
                } else {
                    log.info("Received {} during the shutdown: ignored", signal);
                }
            }
        }
        wake.run();
    }

    private void forward(int number, String signal) {
        try {
            Libc.kill(command.pid(), number);
            log.info("Forwarded {} to COMMAND (pid {})", signal, command.pid());
        } catch (Libc.Failure e) {
            log.warn("Could not forward {} to COMMAND (pid {}): {}; it may have exited already", signal, command.pid(), e.getMessage());
        }
    }

    private static String signalName(int number) {
        return switch (number) {
            case 1 -> "HUP";
            case 2 -> "INT";
            case 10 -> "USR1";
            case 12 -> "USR2";
            case 15 -> "TERM";
            default -> String.valueOf(number);
        };
    }
}
