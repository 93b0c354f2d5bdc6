package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
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
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void createPod() throws Exception {
        TestSupport.requirePrivilege(canUnshare(), "needs root, for unshare --pid and nsenter");
        cluster.create(TestPods.pod("job", List.of(), List.of()));
    }

    @AfterEach
    void endNamespaces() {
        // PID 1 of a namespace gone, the kernel kills every process left in it.
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void wherePid1IsNeitherProaNorPauseOnlyProasOwnTreeIsSignalled() throws Exception {
        long pid1 = namespace(Path.of("/usr/bin/sleep"));
        ProcessHandle other = enter(pid1, "sleep", "1000");
        String otherPid = namespacePid(other);
        // COMMAND leaves an orphan behind, which proa adopts (as a child subreaper): that one is proa's to stop.
        String orphan = "cd \"$1\" && sh -c 'trap \"touch orphan.stopped; exit 0\" TERM; touch orphan.ready;"
                + " while :; do sleep 0.05; done' & cd \"$1\" && while [ ! -e orphan.ready ]; do sleep 0.01; done";
        ProaRun proa = ProaRun.start(dir, env("job"), nsenter(pid1),
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
        long pid1 = namespace(pause);
        ProcessHandle other = enter(pid1, "sleep", "1000");
        String otherPid = namespacePid(other);
        ProaRun proa = ProaRun.start(dir, env("job"), nsenter(pid1), List.of("-K", "--", "true"));

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
        started.add(proa.process);
        AtomicReference<ProcessHandle> pid1 = new AtomicReference<>();
        TestSupport.awaitTrue(() -> {
            proa.process.children().findFirst().ifPresent(pid1::set);
            return pid1.get() != null && proa.log().contains("Started COMMAND");
        });
        ProcessHandle other = enter(pid1.get().pid(), "sleep", "1000"); // not proa's descendant: nsenter's
        String otherPid = namespacePid(other);
        Files.writeString(dir.resolve("go"), "");

        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(proa.log().contains("Sent SIGTERM to sleep (pid " + otherPid + ")"), proa.log());
        assertTrue(other.onExit().get(10, TimeUnit.SECONDS) != null, "the other process was stopped");
        assertFalse(proa.log().contains("signalling only proa's own descendants"), proa.log());
    }

    /** A new PID namespace whose PID 1 runs {@code program 1000}; returns that process's PID on this machine. */
    private long namespace(Path program) throws Exception {
        Process unshare = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", program.toString(), "1000")
                .inheritIO().start();
        started.add(unshare);
        AtomicReference<ProcessHandle> child = new AtomicReference<>();
        TestSupport.awaitTrue(() -> {
            unshare.children().findFirst().ifPresent(child::set);
            return child.get() != null && program.getFileName().toString().equals(comm(child.get().pid()));
        });
        return child.get().pid();
    }

    /** {@code command} run in the namespace of {@code pid1} (as its child, not PID 1); returns its process here. */
    private ProcessHandle enter(long pid1, String... command) throws Exception {
        List<String> argv = new ArrayList<>(nsenter(pid1));
        argv.addAll(List.of(command));
        Process nsenter = new ProcessBuilder(argv).inheritIO().start();
        started.add(nsenter);
        AtomicReference<ProcessHandle> child = new AtomicReference<>();
        TestSupport.awaitTrue(() -> {
            nsenter.children().findFirst().ifPresent(child::set);
            return child.get() != null && command[0].equals(comm(child.get().pid()));
        });
        return child.get();
    }

    private static List<String> nsenter(long pid1) {
        return List.of("nsenter", "--target", Long.toString(pid1), "--pid", "--mount");
    }

    /** The process's PID in its own (innermost) PID namespace: the last of the NSpid line of its status. */
    private static String namespacePid(ProcessHandle process) throws IOException {
        String line = Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow();
        String[] pids = line.substring("NSpid:".length()).trim().split("\\s+");
        return pids[pids.length - 1];
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean canUnshare() throws Exception {
        Process probe = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true").start();
        return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }
}
