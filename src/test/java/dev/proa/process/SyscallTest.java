package dev.proa.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The calls through syscall(2) reach the kernel by this machine's numbers, each the call it is named (a wrong number
 * would make another call, or fail), and its errors come back as errnos.
 */
class SyscallTest {
    private static final int ESRCH = 3;
    private static final int EBADF = 9;
    private static final int PR_GET_CHILD_SUBREAPER = 37;

    @Test
    void thisMachinesNumbersAreKnown() {
        assertNull(Syscall.unknownMachine(), "the build machine is x86-64, arm64 or riscv64");
    }

    /**
     * Each architecture's numbers, by os.arch as its JVM names it (a JVM cannot be made to claim another: FFM chooses
     * its calling convention by os.arch too, and crashed).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            amd64   | 0  | 62  | 247
            x86_64  | 0  | 62  | 247
            aarch64 | 63 | 129 | 95
            riscv64 | 63 | 129 | 95
            """)
    void eachKnownArchitectureHasItsTable(String architecture, long read, long kill, long waitid) {
        assertNull(Syscall.unknownMachine(architecture));
        assertEquals(List.of(read, kill, waitid), Stream.of(Syscall.READ, Syscall.KILL, Syscall.WAITID)
                .map(call -> call.number(architecture)).toList());
    }

    @Test
    void anyOtherArchitectureIsNamedInOneSentence() {
        String why = "proa knows Linux's system call numbers for x86-64, arm64 and riscv64, not for this JVM's"
                + " architecture (os.arch s390x): run proa on one of those";
        assertEquals(why, Syscall.unknownMachine("s390x"));
        assertEquals(why, assertThrows(IllegalStateException.class, () -> Syscall.KILL.number("s390x")).getMessage());
    }

    @Test
    void killsBySignalZeroAnExistingProcess() throws Libc.Failure {
        assertEquals(0, Syscall.KILL.call(ProcessHandle.current().pid(), 0));
    }

    @Test
    void aFailureCarriesTheKernelsErrno() {
        // Above any pid_max (at most 2^22): no such process, ever.
        Libc.Failure failure = assertThrows(Libc.Failure.class, () -> Syscall.KILL.call(Integer.MAX_VALUE, 0));
        assertEquals(ESRCH, failure.errno);
        assertEquals("kill failed with errno 3", failure.getMessage());
    }

    @Test
    void readsFromADescriptorThatIsNotOpenFailWithEbadf() {
        Libc.Failure failure = assertThrows(Libc.Failure.class, () -> Syscall.READ.call(-1, 0, 0));
        assertEquals(EBADF, failure.errno);
    }

    @Test
    void waitidWithoutChildrenOfItsOwnSaysEchild() {
        // A fresh child of this JVM would be the JDK's to reap; a pid that is not a child gives ECHILD.
        Libc.Failure failure = assertThrows(Libc.Failure.class, () -> Libc.waitFor(1, Libc.WEXITED | Libc.WNOHANG));
        assertEquals(Libc.ECHILD, failure.errno);
    }

    @Test
    void prctlAnswersWhetherThisProcessIsASubreaper() throws Libc.Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment answer = arena.allocate(ValueLayout.JAVA_INT);
            answer.set(ValueLayout.JAVA_INT, 0, 7); // prctl writes 0 or 1 over it
            assertEquals(0, Syscall.PRCTL.call(PR_GET_CHILD_SUBREAPER, answer.address()));
            assertEquals(0, answer.get(ValueLayout.JAVA_INT, 0), "the test JVM is no subreaper");
        }
    }

    @Test
    void signalfdMakesASignalDescriptor() throws Exception {
        int fd = Libc.signalfd(0); // no signal: it reads nothing, and this JVM's signals stay as they are
        assertEquals("anon_inode:[signalfd]", Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString());
    }
}
