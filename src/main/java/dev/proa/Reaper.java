package dev.proa;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * PID 1's duty to reap: every orphaned descendant re-parented to proa is waited for, so none stays a zombie. When proa
 * is not PID 1 it makes itself a child subreaper, so the same holds.
 * <p>
 * The JDK reaps the children it starts itself and must keep doing so, or {@link Process#exitValue()} reports a wrong
 * status. So this only peeks at an exited child ({@code WNOWAIT}), and reaps it only if the JDK does not own it.
 * {@link #start} registers a child under the same lock, so no child of the JDK's is ever mistaken for an orphan.
 * <p>
 * It polls ({@code WNOHANG}, every {@link #POLL}) rather than blocking in waitid: the JVM cannot be told of SIGCHLD,
 * and a thread blocked in a native call holds up the JVM's exit by 300 ms. An orphan stays a zombie that long at most.
 */
final class Reaper {
    static final java.time.Duration POLL = java.time.Duration.ofMillis(100);

    private final Logger log;
    private final Object lock = new Object();
    private final Map<Long, Process> owned = new HashMap<>();

    Reaper(Logger log) {
        this.log = log;
    }

    /** Starts reaping in the background; as PID 1 by right, otherwise as a child subreaper. */
    void begin() {
        if (ProcessHandle.current().pid() != 1) {
            try {
                Libc.becomeSubreaper();
            } catch (Libc.Failure e) {
                log.warn("Could not become a child subreaper ({}): orphans of COMMAND will be reaped by PID 1 instead", e.getMessage());
            }
        }
        Thread.ofPlatform().daemon().name("proa-reaper").start(this::reapForever);
    }

    /** Starts a child that the JDK reaps and this leaves alone. */
    Process start(ProcessBuilder builder) throws java.io.IOException {
        synchronized (lock) {
            Process process = builder.start();
            owned.put(process.pid(), process);
            lock.notifyAll(); // there is a child now: see reapForever
            return process;
        }
    }

    private void reapForever() {
        while (true) {
            try {
                reapOne();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Reaping orphaned processes failed ({}); zombies may accumulate", e.toString());
                return;
            }
        }
    }

    private void reapOne() throws InterruptedException {
        long pid;
        try {
            pid = Libc.waitAny(Libc.WEXITED | Libc.WNOWAIT | Libc.WNOHANG);
        } catch (Libc.Failure e) {
            if (e.errno == Libc.ECHILD) {
                // No children at all, so no descendants to orphan either, until proa starts one.
                // (A child of the JDK's it reaped before this peeked is forgotten here.)
                synchronized (lock) {
                    owned.values().removeIf(p -> !p.isAlive());
                    if (owned.isEmpty()) lock.wait();
                    else lock.wait(POLL.toMillis());
                }
            } else if (e.errno != Libc.EINTR) {
                throw new IllegalStateException(e);
            }
            return;
        }
        if (pid == 0) { // children, none of them exited
            Thread.sleep(POLL);
            return;
        }
        Process mine;
        synchronized (lock) {
            mine = owned.get(pid);
            if (mine == null) {
                reap(pid);
                return;
            }
        }
        mine.onExit().join(); // the JDK reaps it; the next peek must not see it again
        synchronized (lock) {
            owned.remove(pid);
        }
    }

    private void reap(long pid) {
        try {
            Libc.waitFor(pid, Libc.WEXITED | Libc.WNOHANG);
            log.debug("Reaped orphaned process {}", pid);
        } catch (Libc.Failure e) {
            log.debug("Orphaned process {} was already reaped ({})", pid, e.getMessage());
        }
    }
}
