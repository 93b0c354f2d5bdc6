package dev.proa.stopping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * {@code --kill} and {@code --kill-all}: SIGTERM to the sidecars' processes, which proa sees when the Pod shares its
 * process namespace. Never proa itself, and never PID 1 when that is not proa: in a shared namespace PID 1 is the
 * Pod's pause process, and stopping it would tear down the whole Pod.
 * <p>
 * They look at every process only where proa can tell it is in a Pod's PID namespace ({@link #scope}); anywhere else
 * (a workstation, a CI runner, {@code hostPID}) "every process proa can see" is the machine's, so they signal only
 * proa's own descendants, and say why.
 */
public final class ProcessKiller {
    private final Logger log;

    public ProcessKiller(Logger log) {
        this.log = log;
    }

    /** What /proc tells of where proa runs: its PID, PID 1's names (see {@link #names}), its PID namespace's link. */
    public record Facts(long self, Set<String> pid1Names, String pidNamespace) {}

    /** Which processes --kill and --kill-all may signal. */
    public sealed interface Scope {
        String why();
    }

    /** Every process proa sees (less itself and PID 1): they are its Pod's, or its container's. */
    public record PodNamespace(String why) implements Scope {}

    /** Only proa's own descendants (COMMAND's orphans, which proa adopted): the rest may be anybody's. */
    public record OwnTree(String why) implements Scope {}

    /** The initial PID namespace's inode number (the kernel's PROC_PID_INIT_INO): the machine's own, never a Pod's. */
    static final String INITIAL_PID_NAMESPACE = "pid:[4026531836]";

    /** The kubelet's sandbox process (containerd's and CRI-O's pause image): PID 1 of a Pod's shared namespace. */
    static final String PAUSE = "pause";

    /**
     * Where proa can tell it is in a Pod's PID namespace: it is PID 1 (its container's own namespace: what it sees is
     * the container's), or PID 1 is the Pod's pause process (shareProcessNamespace: true). Never in the machine's
     * initial PID namespace, whatever its PID 1 is called. Anything else (PID 1 is systemd, an init, a shell, or
     * cannot be read) is not a Pod's, as far as proa can tell. The environment (KUBERNETES_SERVICE_HOST) says nothing
     * of the PID namespace, and is not read.
     */
    public static Scope scope(Facts facts) {
        if (facts.self() == 1) return new PodNamespace("proa is PID 1, so every process it sees is its container's");
        if (INITIAL_PID_NAMESPACE.equals(facts.pidNamespace())) {
            return new OwnTree("proa runs in the machine's own PID namespace, not a container's");
        }
        if (facts.pid1Names().contains(PAUSE)) {
            return new PodNamespace("PID 1 is the Pod's pause process, so the Pod shares its process namespace");
        }
        String pid1 = facts.pid1Names().isEmpty() ? "cannot be read" : "is " + String.join("/", facts.pid1Names());
        return new OwnTree("proa is not PID 1 and PID 1 (which " + pid1 + ") is not a Pod's pause process, so this is"
                + " not a Pod's PID namespace");
    }

    /** The facts {@link #scope} decides on, read from /proc: the only IO of the decision. */
    static Facts observe() {
        String namespace;
        try {
            namespace = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        } catch (IOException | RuntimeException e) {
            namespace = null; // no /proc, or not readable: nothing told
        }
        Set<String> pid1 = ProcessHandle.of(1).map(ProcessKiller::names).orElse(Set.of());
        return new Facts(ProcessHandle.current().pid(), pid1, namespace);
    }

    public void kill(List<String> names, boolean all) {
        if (names.isEmpty() && !all) return;
        Scope scope = scope(observe());
        if (scope instanceof OwnTree) {
            log.warn("{}: {}; signalling only proa's own descendants", all ? "--kill-all" : "--kill", scope.why());
        }
        Set<String> unmatched = new HashSet<>(names);
        long self = ProcessHandle.current().pid();
        Stream<ProcessHandle> visible = scope instanceof PodNamespace ? ProcessHandle.allProcesses()
                : ProcessHandle.current().descendants();
        List<ProcessHandle> candidates = visible.filter(p -> p.pid() != self && p.pid() != 1).toList();
        int sent = 0;
        for (ProcessHandle process : candidates) {
            Set<String> processNames = names(process);
            boolean named = processNames.stream().anyMatch(names::contains);
            if (!all && !named) continue;
            unmatched.removeAll(processNames);
            String label = processNames.stream().findFirst().orElse("?");
            if (process.destroy()) {
                sent++;
                log.info("Sent SIGTERM to {} (pid {})", label, process.pid());
            } else if (process.isAlive()) {
                log.warn("Could not send SIGTERM to {} (pid {}): not permitted", label, process.pid());
            }
        }
        if (!unmatched.isEmpty()) {
            log.warn("--kill found no process named {}: is shareProcessNamespace: true set on the Pod?",
                    String.join(", ", unmatched));
        }
        if (all && sent == 0) log.info("--kill-all found no other process to stop");
    }

    /**
     * The names a process goes by: the kernel's (comm, cut to 15 characters), and the file names of its executable and
     * of its argv[0]. /proc is read directly because ProcessHandle cannot see other users' executables.
     */
    public static Set<String> names(ProcessHandle process) {
        Set<String> names = new java.util.LinkedHashSet<>();
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        try {
            names.add(Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8).strip());
        } catch (IOException | RuntimeException e) {
            // gone already, or not readable: the other names may still do
        }
        process.info().command().ifPresent(c -> names.add(fileName(c)));
        try {
            byte[] cmdline = Files.readAllBytes(proc.resolve("cmdline"));
            int end = 0;
            while (end < cmdline.length && cmdline[end] != 0) end++;
            if (end > 0) names.add(fileName(new String(cmdline, 0, end, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            // as above
        }
        names.remove("");
        return names;
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
