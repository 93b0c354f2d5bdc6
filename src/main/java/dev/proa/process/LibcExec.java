package dev.proa.process;

import static dev.proa.process.Libc.CALL_STATE;
import static dev.proa.process.Libc.ERRNO;
import static dev.proa.process.Libc.LINKER;
import static dev.proa.process.Libc.check;
import static dev.proa.process.Libc.function;

import dev.proa.process.Libc.Failure;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The libc calls only {@link Relaunch} needs, to exec the same JVM again with what proa was given (its descriptors kept
 * open, its environment on a memfd): linked on first use, as the relaunch is the only user (see {@link Libc}).
 */
final class LibcExec {
    private static final MethodHandle EXECVE = function("execve", 0,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    // int fcntl(int fd, int cmd, ...): the argument after the command is variadic.
    private static final MethodHandle FCNTL = function("fcntl", 2,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle MEMFD_CREATE = function("memfd_create", 0, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().find("write").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG), Linker.Option.captureCallState("errno"));
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;

    private LibcExec() {}

    /** fcntl(FD_CLOEXEC): descriptor {@code fd} closes when this process execs; false when it is not open. */
    static boolean closeOnExec(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) FCNTL.invokeExact(state, fd, F_SETFD, FD_CLOEXEC) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** execve(2): replaces this process's program; returns only by failing. Each string is passed as its bytes. */
    static Failure execve(byte[] path, java.util.List<byte[]> argv, java.util.List<byte[]> env) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) EXECVE.invokeExact(state, cString(arena, path), cStrings(arena, argv), cStrings(arena, env));
            return new Failure("execve", result == -1 ? (int) ERRNO.get(state, 0L) : 0);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * memfd_create(2) without MFD_CLOEXEC (an exec keeps it open) holding {@code strings}, each NUL-terminated, as
     * execve(2) and /proc/self/environ have them; returns its descriptor.
     */
    static int memfd(String name, java.util.List<byte[]> strings) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), 0);
            check("memfd_create", fd, state);
            for (byte[] string : strings) {
                MemorySegment bytes = cString(arena, string);
                for (long done = 0; done < bytes.byteSize(); ) {
                    long written = (long) WRITE.invokeExact(state, fd, bytes.asSlice(done), bytes.byteSize() - done);
                    check("write", (int) Math.max(written, -1), state);
                    done += written;
                }
            }
            return fd;
        } catch (Failure e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MemorySegment cString(Arena arena, byte[] bytes) {
        MemorySegment string = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, string, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return string;
    }

    private static MemorySegment cStrings(Arena arena, java.util.List<byte[]> strings) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) array.setAtIndex(ValueLayout.ADDRESS, i, cString(arena, strings.get(i)));
        return array; // zeroed: the last pointer is NULL
    }
}
