package dev.proa.process;

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
 */
public final class Reaper {
    private final Logger log;
    private final Object lock = new Object();
    private final Map<Long, Process> owned = new HashMap<>();
    private final java.util.concurrent.CountDownLatch subreaper = new java.util.concurrent.CountDownLatch(1);

    public Reaper(Logger log) {
        this.log = log;
    }

    /**
     * Starts reaping in the background; as PID 1 by right, otherwise as a child subreaper. (Linking libc takes a few
     * tens of milliseconds, which the reaper's own thread spends while proa waits for the sidecars.)
     */
    public void begin() {
        Thread.ofPlatform().daemon().name("proa-reaper").start(() -> {
            becomeSubreaper();
            reapForever();
        });
    }

    private void becomeSubreaper() {
        try {
            if (ProcessHandle.current().pid() != 1) Libc.becomeSubreaper();
        } catch (Libc.Failure e) {
            log.warn("Could not become a child subreaper ({}): orphans of COMMAND will be reaped by PID 1 instead", e.getMessage());
        } finally {
            subreaper.countDown();
        }
    }

    /** Starts a child that the JDK reaps and this leaves alone; once proa adopts orphans, so that it adopts its. */
    public Process start(ProcessBuilder builder) throws java.io.IOException {
        try {
            subreaper.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
            pid = Libc.waitAny(Libc.WEXITED | Libc.WNOWAIT);
        } catch (Libc.Failure e) {
            if (e.errno == Libc.ECHILD) {
                // No children at all, so no descendants to orphan either, until proa starts one.
                // (A child of the JDK's it reaped before this peeked is forgotten here.)
                synchronized (lock) {
                    owned.values().removeIf(p -> !p.isAlive());
                    if (owned.isEmpty()) lock.wait();
                    else lock.wait(100);
                }
            } else if (e.errno != Libc.EINTR) {
                throw new IllegalStateException(e);
            }
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
