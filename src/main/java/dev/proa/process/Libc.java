package dev.proa.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls a PID 1 needs and the JDK does not offer: send any signal, reap a process and read how it ended,
 * become a child subreaper, read signals from a signalfd, hand the terminal to COMMAND and back ({@link Spawn} starts
 * COMMAND itself), and re-exec the JVM ({@link Relaunch}). Linux on x86-64, arm64 and riscv64 (the layout of
 * {@code siginfo_t} below is Linux's; the numbers of the plain system calls, which go through {@link Syscall}, are
 * those machines'); the C library's functions are linked one by one.
 */
public final class Libc {
    public static final int P_ALL = 0;
    public static final int P_PID = 1;
    public static final int WNOHANG = 1;
    public static final int WEXITED = 4;
    public static final int WNOWAIT = 0x01000000;
    public static final int ECHILD = 10;
    public static final int EINTR = 4;
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final long SIGINFO_SIZE = 128;
    private static final long SIGINFO_PID_OFFSET = 16;
    private static final long SIGINFO_CODE_OFFSET = 8;
    private static final long SIGINFO_STATUS_OFFSET = 24;
    private static final int CLD_EXITED = 1;
    private static final int SIG_BLOCK = 0;
    private static final int SIG_SETMASK = 2;
    static final int SIGTTOU = 22;
    static final long SIGSET_SIZE = 128; // glibc's sigset_t: 1024 bits

    static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final int SFD_CLOEXEC = 0x80000;
    /** struct signalfd_siginfo: 128 bytes, the signal's number first. */
    private static final long SIGNALFD_SIGINFO_SIZE = 128;

    /**
     * The calls only a terminal or a failure needs, linked on first use: each new shape of call costs the JVM a few
     * milliseconds to link, and COMMAND's start waits for those it needs.
     */
    private static final class Rare {
        static final MethodHandle GETPGRP = function("getpgrp", 0);
        static final MethodHandle TCGETPGRP = function("tcgetpgrp", 0, ValueLayout.JAVA_INT);
        static final MethodHandle TCSETPGRP = function("tcsetpgrp", 0, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
        static final MethodHandle SIGMASK = function("pthread_sigmask", 0,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
        static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(
                        MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), ValueLayout.JAVA_INT));
        static final MethodHandle SIGACTION = function("sigaction", 0,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    }
    /** glibc's struct sigaction: the handler first, 152 bytes on 64-bit Linux. */
    private static final long SIGACTION_SIZE = 152;

    /** A failed call, with the errno it set. */
    public static final class Failure extends Exception {
        public final int errno;

        public Failure(String call, int errno) {
            super(call + " failed with errno " + errno);
            this.errno = errno;
        }
    }

    private Libc() {}

    static MethodHandle function(String name, int firstVariadic, ValueLayout... arguments) {
        MemorySegment address = LINKER.defaultLookup().find(name).orElseThrow();
        FunctionDescriptor signature = FunctionDescriptor.of(ValueLayout.JAVA_INT, arguments);
        Linker.Option errno = Linker.Option.captureCallState("errno");
        return firstVariadic > 0
                ? LINKER.downcallHandle(address, signature, errno, Linker.Option.firstVariadicArg(firstVariadic))
                : LINKER.downcallHandle(address, signature, errno);
    }

    /** kill(2): sends {@code signal} to {@code pid}. */
    public static void kill(long pid, int signal) throws Failure {
        Syscall.KILL.call(pid, signal);
    }

    /**
     * waitid(2) on any child with {@code options}; returns the pid it reports, 0 with WNOHANG when no child has
     * exited yet.
     */
    public static long waitAny(int options) throws Failure {
        return waitid(P_ALL, 0, options);
    }

    /** waitid(2) on one child; returns its pid, or 0 with WNOHANG when it has not exited yet. */
    public static long waitFor(long pid, int options) throws Failure {
        return waitid(P_PID, pid, options);
    }

    /** A child's end as waitid(2) reported it: its pid, and its status as a shell says it (128+N if signal N). */
    public record Ended(long pid, int status) {}

    /** waitid(2) reaping one child; returns how it ended, its pid 0 with WNOHANG when it has not exited yet. */
    public static Ended reap(long pid, int options) throws Failure {
        return waitid(P_PID, pid, options, true);
    }

    private static long waitid(int idType, long id, int options) throws Failure {
        return waitid(idType, id, options, false).pid();
    }

    private static Ended waitid(int idType, long id, int options, boolean withStatus) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SIGINFO_SIZE, 8); // zeroed: si_pid stays 0 when nothing is reported
            Syscall.WAITID.call(idType, id, info.address(), options, 0); // no rusage
            int status = info.get(ValueLayout.JAVA_INT, SIGINFO_STATUS_OFFSET);
            boolean exited = info.get(ValueLayout.JAVA_INT, SIGINFO_CODE_OFFSET) == CLD_EXITED;
            return new Ended(info.get(ValueLayout.JAVA_INT, SIGINFO_PID_OFFSET), exited ? status : 128 + status);
        }
    }

    /**
     * exit_group(2), as glibc's _exit: ends the process at once. The JVM's own exit waits up to 300 ms for every thread
     * blocked in a native call (the watch's socket reader, the reaper's waitid) to return; proa has nothing left to do
     * by then. On a machine whose numbers proa does not know, the JVM's halt instead.
     */
    public static void exitNow(int status) {
        try {
            Syscall.EXIT_GROUP.call(status);
        } catch (Failure | RuntimeException e) {
            // exit_group(2) does not return; only a machine whose numbers proa does not know gets here
        }
        Runtime.getRuntime().halt(status);
    }

    /** Why proa cannot make its system calls on this machine (one sentence), or null when it can. */
    public static String unknownMachine() {
        return Syscall.unknownMachine();
    }

    /** prctl(PR_SET_CHILD_SUBREAPER): orphans below this process are re-parented to it instead of to PID 1. */
    public static void becomeSubreaper() throws Failure {
        Syscall.PRCTL.call(PR_SET_CHILD_SUBREAPER, 1);
    }

    /** A signal set as the kernel has it: bit N-1 for signal N. */
    private static MemorySegment sigset(Arena arena, long mask) {
        MemorySegment set = arena.allocate(SIGSET_SIZE, 8);
        set.set(ValueLayout.JAVA_LONG, 0, mask);
        return set;
    }

    /** signalfd(2): a new descriptor (close-on-exec) that reads the signals in {@code mask}, as they are pending. */
    public static int signalfd(long mask) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            // the kernel's sigset is 64 bits, where glibc's is 1024
            return (int) Syscall.SIGNALFD4.call(-1, sigset(arena, mask).address(), Long.BYTES, SFD_CLOEXEC);
        }
    }

    /** Reads the next signal from signalfd {@code fd}, waiting for one: its number. */
    public static int readSignal(int fd) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SIGNALFD_SIGINFO_SIZE, 8);
            Syscall.READ.call(fd, info.address(), SIGNALFD_SIGINFO_SIZE);
            return info.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** pthread_sigmask(SIG_BLOCK): blocks the signals in {@code mask} in the calling thread; returns the mask before. */
    public static long block(long mask) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = sigset(arena, 0);
            int error = (int) Rare.SIGMASK.invokeExact(arena.allocate(CALL_STATE), SIG_BLOCK, sigset(arena, mask), old);
            if (error != 0) throw new IllegalStateException("pthread_sigmask failed with error " + error);
            return old.get(ValueLayout.JAVA_LONG, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code signal} is ignored (SIG_IGN) in this process. */
    public static boolean ignored(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment action = arena.allocate(SIGACTION_SIZE, 8);
            int result = (int) Rare.SIGACTION.invokeExact(state, signal, MemorySegment.NULL, action);
            return result == 0 && action.get(ValueLayout.JAVA_LONG, 0) == 1; // SIG_IGN
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static void check(String call, int result, MemorySegment state) throws Failure {
        if (result == -1) throw new Failure(call, (int) ERRNO.get(state, 0L));
    }

    /** getpgrp(2): this process's process group. */
    public static long processGroup() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) Rare.GETPGRP.invokeExact(arena.allocate(CALL_STATE));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** tcgetpgrp(3): the foreground process group of the terminal on {@code fd}; -1 when it is not this session's. */
    public static long foreground(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) Rare.TCGETPGRP.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * tcsetpgrp(3) with SIGTTOU blocked on this thread: makes {@code group} the terminal's foreground process group,
     * which a process of a background group may do only so (else the terminal stops it).
     */
    public static void giveTerminal(int fd, long group) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(SIGSET_SIZE, 8);
            MemorySegment old = arena.allocate(SIGSET_SIZE, 8);
            block.set(ValueLayout.JAVA_LONG, 0, 1L << (SIGTTOU - 1));
            int blocked = (int) Rare.SIGMASK.invokeExact(arena.allocate(CALL_STATE), SIG_BLOCK, block, old);
            if (blocked != 0) throw new Failure("pthread_sigmask", blocked);
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) Rare.TCSETPGRP.invokeExact(state, fd, (int) group);
            int restored = (int) Rare.SIGMASK.invokeExact(arena.allocate(CALL_STATE), SIG_SETMASK, old, MemorySegment.NULL);
            check("tcsetpgrp", result, state);
            if (restored != 0) throw new Failure("pthread_sigmask", restored);
        } catch (Failure e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** strerror(3): the system's own words for {@code errno} ("No such file or directory"). */
    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) Rare.STRERROR.invokeExact(errno);
            return text.getString(0);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
