package dev.proa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A CPU limit of half a core for the benchmark, as a Job with {@code resources.limits.cpu: 500m} has: a cgroup whose
 * quota is 50 ms of CPU per 100 ms. cgroup v2 ({@code cpu.max}) where the machine has it, else v1
 * ({@code cpu.cfs_quota_us}); needs root. {@link #wrap} puts a command into it before it starts.
 */
final class HalfCore implements AutoCloseable {
    private final Path group;

    private HalfCore(Path group) {
        this.group = group;
    }

    static HalfCore create() throws IOException {
        String name = "proa-benchmark-" + ProcessHandle.current().pid();
        Path v2 = Path.of("/sys/fs/cgroup");
        if (Files.exists(v2.resolve("cgroup.controllers"))) {
            Path group = Files.createDirectory(v2.resolve(name));
            Files.writeString(group.resolve("cpu.max"), "50000 100000");
            return new HalfCore(group);
        }
        Path group = Files.createDirectory(Path.of("/sys/fs/cgroup/cpu").resolve(name));
        Files.writeString(group.resolve("cpu.cfs_period_us"), "100000");
        Files.writeString(group.resolve("cpu.cfs_quota_us"), "50000");
        return new HalfCore(group);
    }

    /** A prefix for a command line: the shell moves itself into the cgroup, then becomes the command. */
    List<String> wrap() {
        return List.of("sh", "-c", "echo $$ > " + group.resolve("cgroup.procs") + " && exec \"$@\"", "sh");
    }

    @Override
    public void close() throws IOException {
        Files.delete(group); // rmdir: every process in it has ended
    }
}
