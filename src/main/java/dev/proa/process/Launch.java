package dev.proa.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * When proa's own process started, which is when its container's entrypoint did: the startup timeout counts from here,
 * so the JVM's start and the API client's count too. Not {@code ProcessHandle.info().startInstant()}: the JDK adds the
 * start (in clock ticks since boot) to the boot time from /proc/stat, which is in whole seconds, so that instant is
 * up to a second off (430 ms early, measured here). The time since boot (/proc/uptime) minus the process's start
 * since boot (/proc/self/stat) is exact to the clock tick, and needs no wall clock.
 */
public final class Launch {
    /** USER_HZ, the unit of /proc/[pid]/stat's times: 100 on every Linux architecture (it is part of the ABI). */
    private static final long TICKS_PER_SECOND = 100;

    private Launch() {}

    /** When this process started, on {@link System#nanoTime()}'s clock; now when /proc cannot say. */
    public static long nanoTime() {
        long now = System.nanoTime();
        try {
            Optional<Duration> since = since(Files.readString(Path.of("/proc/uptime")),
                    Files.readString(Path.of("/proc/self/stat")));
            return now - since.map(Duration::toNanos).orElse(0L);
        } catch (IOException | RuntimeException e) {
            return now;
        }
    }

    /**
     * How long ago the process started: {@code uptime} is /proc/uptime ("2513.98 1556.16": seconds since boot first),
     * {@code stat} is /proc/self/stat, whose 22nd field is the start in clock ticks since boot (counted after the
     * command's name in parentheses, which may hold spaces and parentheses itself). Empty when either is malformed.
     */
    public static Optional<Duration> since(String uptime, String stat) {
        try {
            String[] up = uptime.strip().split("\\s+");
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split("\\s+");
            long uptimeMillis = Math.round(Double.parseDouble(up[0]) * 1000);
            long startMillis = Long.parseLong(fields[19]) * 1000 / TICKS_PER_SECOND;
            return uptimeMillis >= startMillis ? Optional.of(Duration.ofMillis(uptimeMillis - startMillis)) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
