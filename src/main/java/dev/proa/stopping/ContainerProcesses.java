package dev.proa.stopping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;

/**
 * SIGTERM to one sidecar container's processes, when it answered its shutdown request and kept running (the
 * shutdown's escalation). A container's processes are found by its ID, which its status gives
 * ({@code containerd://<id>}, {@code cri-o://<id>}, {@code docker://<id>}) and which the path of its cgroup holds
 * under both the cgroupfs and the systemd drivers ({@code .../<id>}, {@code .../cri-containerd-<id>.scope}), in
 * {@code /proc/PID/cgroup}. Only where {@link ProcessKiller#scope} says proa sees its Pod's PID namespace: elsewhere
 * the processes it sees are not the Pod's. Never proa itself, never PID 1, never SIGKILL.
 */
public final class ContainerProcesses {
    /** Shorter than this, an ID could match a cgroup path by chance: container IDs are 64 hexadecimal digits. */
    static final int SHORTEST_ID = 12;

    private final Logger log;

    public ContainerProcesses(Logger log) {
        this.log = log;
    }

    /** The ID in a status's containerID, without its runtime's scheme; null when there is none worth matching. */
    static String id(String containerId) {
        if (containerId == null) return null;
        String id = containerId.substring(containerId.indexOf("://") < 0 ? 0 : containerId.indexOf("://") + 3).strip();
        return id.length() < SHORTEST_ID || !id.matches("[0-9a-zA-Z]+") ? null : id;
    }

    /** Whether a process whose /proc/PID/cgroup reads {@code cgroups} is in container {@code id}. */
    static boolean inContainer(String cgroups, String id) {
        return cgroups.lines().anyMatch(line -> line.substring(line.lastIndexOf(':') + 1).contains(id));
    }

    /** Sends SIGTERM to every process of {@code sidecar}'s container, {@code containerId} as its status says it. */
    public void terminate(String sidecar, String containerId) {
        String id = id(containerId);
        if (id == null) {
            log.warn("Cannot find the processes of sidecar {}: its containerID '{}' holds no container ID", sidecar,
                    containerId);
            return;
        }
        ProcessKiller.Scope scope = ProcessKiller.scope(ProcessKiller.observe());
        if (scope instanceof ProcessKiller.OwnTree) {
            log.warn("Not sending SIGTERM to sidecar {}: {}, so its processes are not in sight", sidecar, scope.why());
            return;
        }
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> processes = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.pid() != 1 && inContainer(cgroups(p.pid()), id)).toList();
        if (processes.isEmpty()) {
            log.warn("Found no process of sidecar {} (container {}) in /proc: is shareProcessNamespace: true set on"
                    + " the Pod?", sidecar, id);
        }
        for (ProcessHandle process : processes) {
            String name = ProcessKiller.names(process).stream().findFirst().orElse("?");
            if (process.destroy()) {
                log.info("Sent SIGTERM to {} (pid {}) of sidecar {}", name, process.pid(), sidecar);
            } else if (process.isAlive()) {
                log.warn("Could not send SIGTERM to {} (pid {}) of sidecar {}: not permitted", name, process.pid(),
                        sidecar);
            }
        }
    }

    private static String cgroups(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return ""; // gone already, or not readable: not one to signal
        }
    }
}
