package dev.proa.process;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import org.slf4j.Logger;

/**
 * PID 1's duty to reap: every orphaned descendant re-parented to proa is waited for, so none stays a zombie. When proa
 * is not PID 1 it makes itself a child subreaper, so the same holds.
 * <p>
 * COMMAND is proa's own child, started by {@link #spawn}, which registers it under the same lock: so it is never
 * mistaken for an orphan, and its exit status is read here, where it is reaped. Each exited child is first only
 * peeked at ({@code WNOWAIT}), then reaped as COMMAND or as an orphan.
 */
public final class Reaper {
    private final Logger log;
    private final Object lock = new Object();
    private final Map<Long, IntConsumer> owned = new HashMap<>();
    private long started; // children spawn has started, under lock: tells the reaper of one started while it looked
    private final java.util.concurrent.CountDownLatch subreaper = new java.util.concurrent.CountDownLatch(1);

    public Reaper(Logger log) {
        this.log = log;
    }

    /**
     * Starts reaping in the background; as PID 1 by right, otherwise as a child subreaper. (Linking libc's functions,
     * posix_spawn's among them, takes tens of milliseconds, which the reaper's own thread spends while proa waits for
     * the sidecars.)
     */
    public void begin() {
        Thread.ofPlatform().daemon().name("proa-reaper").start(() -> {
            becomeSubreaper();
            Spawn.canGiveTheTerminal(); // links posix_spawn's functions now, not when COMMAND is to start
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

    /**
     * Starts a child, once proa adopts orphans (so that it adopts the child's); {@code exited} hears its exit status
     * (128+N if signal N killed it).
     */
    Spawn.Result spawn(Spawn.Request request, IntConsumer exited) {
        try {
            subreaper.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            Spawn.Result result = Spawn.start(request);
            if (result.errno() == 0) {
                owned.put(result.pid(), exited);
                started++;
                lock.notifyAll(); // there is a child now: see reapForever
            }
            return result;
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
        long startedBefore;
        synchronized (lock) {
            startedBefore = started;
        }
        try {
            pid = Libc.waitAny(Libc.WEXITED | Libc.WNOWAIT);
        } catch (Libc.Failure e) {
            if (e.errno == Libc.ECHILD) {
                // No children at all, so no descendants to orphan either, until proa starts one.
                synchronized (lock) {
                    switch (afterNoChild(started != startedBefore, !owned.isEmpty())) {
                        case WAIT_AGAIN_NOW -> { }
                        case SLEEP_UNTIL_SPAWN -> lock.wait();
                        case RETRY_SOON -> lock.wait(100);
                    }
                }
            } else if (e.errno != Libc.EINTR) {
                throw new IllegalStateException(e);
            }
            return;
        }
        IntConsumer mine;
        synchronized (lock) {
            mine = owned.remove(pid);
        }
        if (mine == null) {
            reap(pid);
            return;
        }
        try {
            mine.accept(Libc.reap(pid, Libc.WEXITED).status());
        } catch (Libc.Failure e) {
            throw new IllegalStateException(e);
        }
    }

    enum AfterNoChild { WAIT_AGAIN_NOW, SLEEP_UNTIL_SPAWN, RETRY_SOON }

    /**
     * What the reaper does when the kernel says proa has no child. A child started since that waitid (its start holds
     * the lock the reaper then waits for, so it may well have exited already) is waited for at once: a COMMAND that
     * exits at once was otherwise seen 100 ms late, whenever the reaper's waitid met its start. With no child owned,
     * the reaper sleeps until spawn wakes it. A child owned and none started since cannot be: the kernel would have
     * it; the reaper looks again every 100 ms rather than spin.
     */
    static AfterNoChild afterNoChild(boolean startedSince, boolean ownsAChild) {
        if (startedSince) return AfterNoChild.WAIT_AGAIN_NOW;
        return ownsAChild ? AfterNoChild.RETRY_SOON : AfterNoChild.SLEEP_UNTIL_SPAWN;
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
