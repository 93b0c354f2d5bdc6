package dev.proa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A CPU limit for the benchmark, as a Job with {@code resources.limits.cpu} has: a cgroup whose quota is a share of a
 * 100 ms period (half a core: 50 ms; a quarter: 25 ms). cgroup v2 ({@code cpu.max}) where the machine has it, else v1
 * ({@code cpu.cfs_quota_us}); needs root. {@link #wrap} puts a command into it before it starts.
 */
final class CpuLimit implements AutoCloseable {
    private static final long PERIOD_MICROS = 100_000;
    private final Path group;

    private CpuLimit(Path group) {
        this.group = group;
    }

    /** A cgroup limited to {@code cores} (0.5: half a core). */
    static CpuLimit of(double cores) throws IOException {
        long quota = Math.round(cores * PERIOD_MICROS);
        String name = String.format(Locale.ROOT, "proa-benchmark-%d-%d", ProcessHandle.current().pid(), quota);
        Path v2 = Path.of("/sys/fs/cgroup");
        if (Files.exists(v2.resolve("cgroup.controllers"))) {
            Path group = Files.createDirectory(v2.resolve(name));
            Files.writeString(group.resolve("cpu.max"), quota + " " + PERIOD_MICROS);
            return new CpuLimit(group);
        }
        Path group = Files.createDirectory(Path.of("/sys/fs/cgroup/cpu").resolve(name));
        Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_MICROS));
        Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(quota));
        return new CpuLimit(group);
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
