package dev.proa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * PID namespaces of a test's own ({@code unshare --pid --fork --mount-proc}), each standing for a Pod's, and the
 * processes that join them with {@code nsenter}: where {@code -K} and a sidecar's SIGTERM can be tried without
 * signalling the machine. Closing ends them all (PID 1 of a namespace gone, the kernel kills every process left in it).
 */
final class PidNamespaces implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();

    /** Whether this machine lets the test make one (root, and unshare). */
    static boolean available() throws Exception {
        Process probe = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true").start();
        return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }

    /** A new namespace whose PID 1 runs {@code program 1000}; returns that process's PID on this machine. */
    long create(Path program) throws Exception {
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

    /**
     * {@code command} run in the namespace of {@code pid1} (as its child, not PID 1), once it has been executed;
     * returns its process on this machine.
     */
    ProcessHandle enter(long pid1, String... command) throws Exception {
        List<String> argv = new ArrayList<>(nsenter(pid1));
        argv.addAll(List.of(command));
        Process nsenter = new ProcessBuilder(argv).inheritIO().start();
        started.add(nsenter);
        String name = Path.of(command[0]).getFileName().toString();
        AtomicReference<ProcessHandle> child = new AtomicReference<>();
        TestSupport.awaitTrue(() -> {
            nsenter.children().findFirst().ifPresent(child::set);
            return child.get() != null && name.equals(comm(child.get().pid()));
        });
        return child.get();
    }

    /** Ends {@code process} with the namespaces (one the test started otherwise, a namespace's PID 1 itself). */
    void adopt(Process process) {
        started.add(process);
    }

    /** The command that runs what follows it in the namespace of {@code pid1}. */
    static List<String> nsenter(long pid1) {
        return List.of("nsenter", "--target", Long.toString(pid1), "--pid", "--mount");
    }

    /** The process's name (its {@code comm}), or "" once it is gone. */
    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Kills every process started here and waits until each has exited. */
    @Override
    public void close() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        for (Process process : started) {
            process.descendants().forEach(p -> p.onExit().join());
            process.onExit().join();
        }
    }
}
