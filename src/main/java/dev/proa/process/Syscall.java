package dev.proa.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.Locale;

/**
 * The system calls proa makes on its way to COMMAND's start and around it (reading its signals, becoming a subreaper,
 * reaping, sending signals, its end), each through glibc's syscall(2), by number. FFM makes a class for every shape of
 * downcall, 4–5 ms of CPU each on one core (the README's Performance section), and syscall(2) has one shape, whatever
 * the call: its number, then the arguments, which the kernel reads as longs (a pointer as its address; extra ones are
 * ignored); its result a long, -1 with errno set on failure. So these calls are declared as the kernel takes them, not
 * as the C library's wrappers do. The numbers are Linux's: x86-64's own, and the generic table arm64 and riscv64 share.
 */
enum Syscall {
    READ(0, 63),
    KILL(62, 129),
    PRCTL(157, 167),
    EXIT_GROUP(231, 94),
    WAITID(247, 95),
    SIGNALFD4(289, 74);

    private final long x8664;
    private final long generic;

    Syscall(long x8664, long generic) {
        this.x8664 = x8664;
        this.generic = generic;
    }

    /** Makes this call with up to five arguments; its result. @throws Libc.Failure with errno when it returns -1 */
    long call(long... arguments) throws Libc.Failure {
        long number = number();
        long[] a = Arrays.copyOf(arguments, 5);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            long result = (long) Linked.SYSCALL.invokeExact(state, number, a[0], a[1], a[2], a[3], a[4]);
            if (result == -1) throw new Libc.Failure(name().toLowerCase(Locale.ROOT), (int) Libc.ERRNO.get(state, 0L));
            return result;
        } catch (Libc.Failure e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** This call's number on this machine's architecture. @throws IllegalStateException on any other */
    long number() {
        return number(ARCHITECTURE);
    }

    /** This call's number on a JVM whose os.arch is {@code architecture}. @throws IllegalStateException */
    long number(String architecture) {
        Table table = table(architecture);
        if (table == null) throw new IllegalStateException(unknownMachine(architecture));
        return table == Table.X86_64 ? x8664 : generic;
    }

    /** Why proa cannot make its system calls on this machine, or null when it can. */
    static String unknownMachine() {
        return unknownMachine(ARCHITECTURE);
    }

    /** The same for a JVM whose os.arch is {@code architecture}. */
    static String unknownMachine(String architecture) {
        return table(architecture) != null ? null : "proa knows Linux's system call numbers for x86-64, arm64 and"
                + " riscv64, not for this JVM's architecture (os.arch " + architecture + "): run proa on one of those";
    }

    /** The two tables of numbers above. */
    private enum Table { X86_64, GENERIC }

    /**
     * Which table a JVM's os.arch uses, or null. Other architectures (ppc64le, s390x) have tables of their own, not
     * guessed here: a wrong number would make another call.
     */
    private static Table table(String architecture) {
        return switch (architecture) {
            case "amd64", "x86_64" -> Table.X86_64;
            case "aarch64", "riscv64" -> Table.GENERIC;
            default -> null;
        };
    }

    private static final String ARCHITECTURE = System.getProperty("os.arch");

    /** long syscall(long number, ...): linked on first use. */
    private static final class Linked {
        static final MethodHandle SYSCALL = Libc.LINKER.downcallHandle(
                Libc.LINKER.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(1));
    }
}
