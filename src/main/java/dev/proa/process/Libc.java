package dev.proa.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls a PID 1 needs and the JDK does not offer: send any signal, reap a process the JDK did not start,
 * and become a child subreaper. Linux on 64-bit only (the layout of {@code siginfo_t} below is Linux's).
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

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle KILL = function("kill", 0, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle EXIT = LINKER.downcallHandle(LINKER.defaultLookup().find("_exit").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
    private static final MethodHandle WAITID = function("waitid", 0,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    // int prctl(int option, ...): the four longs after the option are variadic.
    private static final MethodHandle PRCTL = function("prctl", 1,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);

    /** A failed call, with the errno it set. */
    public static final class Failure extends Exception {
        public final int errno;

        public Failure(String call, int errno) {
            super(call + " failed with errno " + errno);
            this.errno = errno;
        }
    }

    private Libc() {}

    private static MethodHandle function(String name, int firstVariadic, ValueLayout... arguments) {
        MemorySegment address = LINKER.defaultLookup().find(name).orElseThrow();
        FunctionDescriptor signature = FunctionDescriptor.of(ValueLayout.JAVA_INT, arguments);
        Linker.Option errno = Linker.Option.captureCallState("errno");
        return firstVariadic > 0
                ? LINKER.downcallHandle(address, signature, errno, Linker.Option.firstVariadicArg(firstVariadic))
                : LINKER.downcallHandle(address, signature, errno);
    }

    /** kill(2): sends {@code signal} to {@code pid}. */
    public static void kill(long pid, int signal) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) KILL.invokeExact(state, (int) pid, signal);
            check("kill", result, state);
        } catch (Failure e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
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

    private static long waitid(int idType, long id, int options) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment info = arena.allocate(SIGINFO_SIZE, 8); // zeroed: si_pid stays 0 when nothing is reported
            int result = (int) WAITID.invokeExact(state, idType, (int) id, info, options);
            check("waitid", result, state);
            return info.get(ValueLayout.JAVA_INT, SIGINFO_PID_OFFSET);
        } catch (Failure e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * _exit(2): ends the process at once. The JVM's own exit waits up to 300 ms for every thread blocked in a native
     * call (the watch's socket reader, the reaper's waitid) to return; proa has nothing left to do by then.
     */
    public static void exitNow(int status) {
        try {
            EXIT.invokeExact(status);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** prctl(PR_SET_CHILD_SUBREAPER): orphans below this process are re-parented to it instead of to PID 1. */
    public static void becomeSubreaper() throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) PRCTL.invokeExact(state, PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
            check("prctl", result, state);
        } catch (Failure e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(String call, int result, MemorySegment state) throws Failure {
        if (result == -1) throw new Failure(call, (int) ERRNO.get(state, 0L));
    }
}
