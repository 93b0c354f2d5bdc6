package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code -K} signals every process only in a Pod's PID namespace. Each test runs in a PID namespace of its own
 * ({@code unshare --pid --fork --mount-proc}), whose PID 1 is a {@code sleep} or a copy of it named {@code pause};
 * proa and another process join it with {@code nsenter}, so proa is not PID 1 and the machine's processes are out of
 * its sight whatever it does.
 */
class KillScopeIT extends EndToEnd {
    private final PidNamespaces namespaces = new PidNamespaces();

    @BeforeEach
    void createPod() throws Exception {
        TestSupport.requirePrivilege(PidNamespaces.available(), "needs root, for unshare --pid and nsenter");
        cluster.create(TestPods.pod("job", List.of(), List.of()));
    }

    @AfterEach
    void endNamespaces() {
        namespaces.close();
    }

    @Test
    void wherePid1IsNeitherProaNorPauseOnlyProasOwnTreeIsSignalled() throws Exception {
        long pid1 = namespaces.create(Path.of("/usr/bin/sleep"));
        ProcessHandle other = namespaces.enter(pid1, "sleep", "1000");
        String otherPid = namespacePid(other);
        // COMMAND leaves an orphan behind, which proa adopts (as a child subreaper): that one is proa's to stop.
        String orphan = "cd \"$1\" && sh -c 'trap \"touch orphan.stopped; exit 0\" TERM; touch orphan.ready;"
                + " while :; do sleep 0.05; done' & cd \"$1\" && while [ ! -e orphan.ready ]; do sleep 0.01; done";
        ProaRun proa = ProaRun.start(dir, env("job"), PidNamespaces.nsenter(pid1),
                List.of("-K", "--", "sh", "-c", orphan, "sh", dir.toString()));

        assertEquals(0, proa.exitStatus(), proa.log());
        TestSupport.awaitTrue(() -> Files.exists(dir.resolve("orphan.stopped")));
        assertFalse(proa.log().contains("(pid " + otherPid + ")"), "the other process was signalled: " + proa.log());
        assertFalse(proa.log().contains("(pid 1)"), proa.log());
        assertTrue(other.isAlive(), "the process outside proa's tree survives");
        assertTrue(proa.log().contains("--kill-all: proa is not PID 1 and PID 1 (which is sleep) is not a Pod's pause"
                + " process, so this is not a Pod's PID namespace; signalling only proa's own descendants"), proa.log());
    }

    @Test
    void wherePid1IsThePodsPauseProcessEveryOtherProcessIsSignalled() throws Exception {
        Path pause = Files.copy(Path.of("/usr/bin/sleep"), dir.resolve("pause"), StandardCopyOption.COPY_ATTRIBUTES);
        long pid1 = namespaces.create(pause);
        ProcessHandle other = namespaces.enter(pid1, "sleep", "1000");
        String otherPid = namespacePid(other);
        ProaRun proa = ProaRun.start(dir, env("job"), PidNamespaces.nsenter(pid1), List.of("-K", "--", "true"));

        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(proa.log().contains("Sent SIGTERM to sleep (pid " + otherPid + ")"), proa.log());
        assertTrue(other.onExit().get(10, TimeUnit.SECONDS) != null, "the sidecar's process was stopped");
        assertFalse(proa.log().contains("signalling only proa's own descendants"), proa.log());
        assertFalse(proa.log().contains("(pid 1)"), "never the pause process: " + proa.log());
    }

    @Test
    void asPid1OfItsNamespaceEveryOtherProcessIsSignalled() throws Exception {
        String waitForGo = "while [ ! -e \"$1/go\" ]; do sleep 0.05; done";
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("unshare", "--pid", "--fork", "--mount-proc"),
                List.of("-K", "--", "sh", "-c", waitForGo, "sh", dir.toString()));
        namespaces.adopt(proa.process);
        AtomicReference<ProcessHandle> pid1 = new AtomicReference<>();
        TestSupport.awaitTrue(() -> {
            proa.process.children().findFirst().ifPresent(pid1::set);
            return pid1.get() != null && proa.log().contains("Started COMMAND");
        });
        ProcessHandle other = namespaces.enter(pid1.get().pid(), "sleep", "1000"); // not proa's descendant: nsenter's
        String otherPid = namespacePid(other);
        Files.writeString(dir.resolve("go"), "");

        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(proa.log().contains("Sent SIGTERM to sleep (pid " + otherPid + ")"), proa.log());
        assertTrue(other.onExit().get(10, TimeUnit.SECONDS) != null, "the other process was stopped");
        assertFalse(proa.log().contains("signalling only proa's own descendants"), proa.log());
    }

    /** The process's PID in its own (innermost) PID namespace: the last of the NSpid line of its status. */
    private static String namespacePid(ProcessHandle process) throws IOException {
        String line = Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow();
        String[] pids = line.substring("NSpid:".length()).trim().split("\\s+");
        return pids[pids.length - 1];
    }
}
