package dev.proa.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The calls through syscall(2) reach the kernel by this machine's numbers, and its errors come back as errnos. */
class SyscallTest {
    private static final int ESRCH = 3;
    private static final int EBADF = 9;

    @Test
    void killsBySignalZeroAnExistingProcess() throws Libc.Failure {
        assertEquals(0, Syscall.KILL.call(ProcessHandle.current().pid(), 0));
    }

    @Test
    void aFailureCarriesTheKernelsErrno() throws Exception {
        Process child = new ProcessBuilder("true").start();
        long pid = child.pid();
        child.waitFor(); // reaped by the JDK: no such process any more
        Libc.Failure failure = assertThrows(Libc.Failure.class, () -> Syscall.KILL.call(pid, 0));
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
}
