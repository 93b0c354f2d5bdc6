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
            Signal.handle(new Signal(name), s -> {
                awaitEarlierHandlers();
                listener.received(s.getNumber(), s.getName());
            });
        }
    }

    /**
     * Keeps the order in which signals arrived, as tini and dumb-init do. The JDK runs each signal's handler on a
     * thread of its own ("SIGTERM handler"), created one after the other by its signal dispatcher in arrival order,
     * and those threads then race: twenty SIGUSR1 and a SIGTERM could reach COMMAND with the SIGTERM first. Thread ids
     * grow in creation order, so each handler first waits for every handler thread created before its own to finish.
     * (No library offers this; the JDK has no other hook into its signal dispatch.)
     */
    private static void awaitEarlierHandlers() {
        Thread self = Thread.currentThread();
        ThreadGroup group = self.getThreadGroup();
        if (group == null) return;
        Thread[] threads = new Thread[group.activeCount() + 16];
        int count = group.enumerate(threads, false);
        for (int i = 0; i < count; i++) {
            Thread other = threads[i];
            if (other != self && other.threadId() < self.threadId() && isSignalHandler(other)) {
                try {
                    other.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static boolean isSignalHandler(Thread thread) {
        String name = thread.getName();
        return name.startsWith("SIG") && name.endsWith(" handler");
    }
}
