package dev.proa.shutdown;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;

/**
 * {@code --kill} and {@code --kill-all}: SIGTERM to the sidecars' processes, which proa sees when the Pod shares its
 * process namespace. Never proa itself, and never PID 1 when that is not proa: in a shared namespace PID 1 is the
 * Pod's pause process, and stopping it would tear down the whole Pod.
 */
public final class ProcessKiller {
    private final Logger log;

    public ProcessKiller(Logger log) {
        this.log = log;
    }

    public void kill(List<String> names, boolean all) {
        if (names.isEmpty() && !all) return;
        Set<String> unmatched = new HashSet<>(names);
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> candidates = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.pid() != 1)
                .toList();
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
