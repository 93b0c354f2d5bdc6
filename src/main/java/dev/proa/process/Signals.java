package dev.proa.process;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;

/**
 * PID 1's duty to pass signals on. Every signal a JVM lets a program catch is handed, in the order it arrived, to the
 * lifecycle's event loop, which decides what it means ({@link dev.proa.lifecycle.SignalStep}).
 * <p>
 * Held (the launcher, src/dist/proa.c, or {@link Relaunch} for {@code java -jar}): those signals were blocked before
 * the JVM started and stay blocked in every thread (the JVM runs with -Xrs, so it unblocks none of them), so the kernel
 * keeps each one pending, however early it came, until one thread reads it from a signalfd. Otherwise (proa run in a
 * JVM of someone else's making) the JDK's handlers are replaced ({@link JdkSignalHandlers}), which the JVM allows
 * for fewer signals, and only once proa's main runs.
 */
public final class Signals {
    /** HotSpot's thread suspend/resume signal, moved there from SIGUSR2 (with {@link #SR_VARIABLE}) to free SIGUSR2. */
    public static final int SR_SIGNAL = 64;
    /** The variable that moves it; HotSpot reads it at start. */
    public static final String SR_VARIABLE = "_JAVA_SR_SIGNUM";
    /**
     * Set by the launcher (and the relaunch) for proa's JVM: the signals that were ignored when proa started (nohup's
     * SIGHUP), which stay ignored for proa and COMMAND, as a hexadecimal mask like /proc's SigIgn ("1001" for HUP and
     * PIPE). Its presence says that proa's signals are held. A system property, so that no environment holds it:
     * COMMAND's is what proa was given (see {@link Inherited}).
     */
    public static final String IGNORED_PROPERTY = "proa.ignored";

    /** Linux's names for signals 1 to 31 (the same on x86-64 and arm64); 32 and up are real-time signals. */
    private static final List<String> NAMES = List.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
            "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
            "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");
    /** glibc's SIGRTMIN: 32 and 33 are its own. */
    private static final int RTMIN = 34;

    /**
     * Why each signal that is not forwarded is not (the README's Signals section says the same): the launcher's
     * {@code forwardable()} must agree.
     */
    public static final Map<Integer, String> NOT_FORWARDED = Map.of(
            4, "the JVM's own (a fault in its code)", 7, "the JVM's own (a fault in its code)",
            8, "the JVM's own (a fault in its code)", 11, "the JVM's own (implicit null checks)",
            9, "cannot be caught", 19, "cannot be caught",
            17, "proa's own: it reaps with it",
            32, "the C library's own (thread cancellation)", 33, "the C library's own (set*id)",
            SR_SIGNAL, "the JVM's own (thread suspension)");

    /** SIGTRAP, SIGABRT, SIGPIPE, SIGXFSZ: see {@link #installHandlers}. */
    private static final Set<Integer> SYNCHRONOUS = Set.of(5, 6, 13, 25);

    /** Hears a signal: its number and name ("TERM"). */
    public interface Listener {
        void received(int number, String name);
    }

    private Signals() {}

    /** The name of signal {@code number}: "TERM", "RTMIN+3". */
    public static String name(int number) {
        if (number >= 1 && number <= NAMES.size()) return NAMES.get(number - 1);
        return number >= RTMIN ? "RTMIN+" + (number - RTMIN) : String.valueOf(number);
    }

    /** Whether proa passes signal {@code number} on (when held). */
    public static boolean forwardable(int number) {
        return number >= 1 && number <= 64 && !NOT_FORWARDED.containsKey(number);
    }

    /** Every forwardable signal, as a signal mask (bit N-1 for signal N). */
    public static long forwardableMask() {
        return IntStream.rangeClosed(1, 64).filter(Signals::forwardable).mapToLong(n -> 1L << (n - 1))
                .reduce(0, (a, b) -> a | b);
    }

    /** Whether this JVM was started with the signals held (through the launcher or the relaunch). */
    public static boolean held() {
        return System.getProperty(IGNORED_PROPERTY) != null;
    }

    /** Starts passing signals to {@code listener}; see the class comment for how. */
    public static void install(Logger log, Listener listener) {
        if (!held()) {
            installHandlers(log, listener);
            return;
        }
        Set<Integer> ignored = CommandSignals.atStart().ignored();
        // The signalfd is made on the reader's own thread: linking the first libc call takes tens of milliseconds,
        // which the start need not wait for, since a held signal stays pending in the kernel until it is read.
        Thread.ofPlatform().daemon().name("proa-signals").start(() -> {
            int fd;
            try {
                fd = Libc.signalfd(forwardableMask());
            } catch (Libc.Failure | RuntimeException e) {
                log.warn("Could not read signals from a signalfd ({}): using the JVM's signal handlers instead, which"
                        + " cannot catch every signal", e.getMessage());
                installHandlers(log, listener);
                return;
            }
            readForever(log, fd, ignored, listener);
        });
    }

    /** One thread, one descriptor: the signals come out in the order the kernel delivers them, each once. */
    private static void readForever(Logger log, int fd, Set<Integer> ignored, Listener listener) {
        while (true) {
            int number;
            try {
                number = Libc.readSignal(fd);
            } catch (Libc.Failure e) {
                if (e.errno == Libc.EINTR) continue;
                log.error("Reading signals failed ({}): proa no longer passes signals on", e.getMessage());
                return;
            }
            if (ignored.contains(number)) {
                log.debug("Received SIG{}, which was ignored when proa started: ignored", name(number));
            } else {
                listener.received(number, name(number));
            }
        }
    }

    /**
     * Not held: the JDK's handlers, for each signal the JVM lets a program handle, but those the kernel also sends to
     * the one thread that caused them (SIGPIPE on a write to a closed pipe, SIGXFSZ, SIGABRT, SIGTRAP): a handler
     * would take proa's own for one sent to proa, and the JVM's handling of them must stay.
     */
    static void installHandlers(Logger log, Listener listener) {
        JdkSignalHandlers handlers;
        try {
            handlers = JdkSignalHandlers.load();
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("This JVM lets proa handle no signal ({}): signals sent to proa are not passed on to COMMAND",
                    e.toString());
            return;
        }
        for (int number = 1; number <= NAMES.size(); number++) {
            if (!forwardable(number) || SYNCHRONOUS.contains(number)) continue;
            try {
                handlers.handle(name(number), (n, name) -> {
                    awaitEarlierHandlers();
                    listener.received(n, name);
                });
            } catch (IllegalArgumentException | IllegalStateException e) {
                log.debug("SIG{} cannot be handled in this JVM: {}", name(number), e.getMessage());
            }
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
