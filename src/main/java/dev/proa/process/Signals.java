package dev.proa.process;

import java.util.List;
import sun.misc.Signal;

/**
 * PID 1's duty to pass signals on: the JDK's own handlers (which would exit at once) are replaced, and each signal is
 * handed to the lifecycle's event loop, which decides what it means ({@link dev.proa.lifecycle.SignalStep}). SIGQUIT
 * stays the JVM's thread dump.
 */
public final class Signals {
    public static final List<String> FORWARDED = List.of("TERM", "INT", "HUP", "USR1", "USR2");

    /** Hears a signal: its number and name ("TERM"). */
    public interface Listener {
        void received(int number, String name);
    }

    private Signals() {}

    public static void install(Listener listener) {
        for (String name : FORWARDED) {
            Signal.handle(new Signal(name), s -> listener.received(s.getNumber(), s.getName()));
        }
    }
}
