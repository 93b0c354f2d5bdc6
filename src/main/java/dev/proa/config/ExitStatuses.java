package dev.proa.config;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * proa's own statuses as this run gives them: each {@link ExitStatus}'s number, unless {@code --exit-status} remapped
 * it (for a Pod whose application exits with the same numbers, so that a Job's podFailurePolicy can tell them apart).
 */
public record ExitStatuses(Map<ExitStatus, Integer> remapped) {
    public static final ExitStatuses DEFAULT = new ExitStatuses(Map.of());

    /** The lowest and highest status a remap may give: 0 would tell Kubernetes that a failure succeeded. */
    public static final int LOWEST = 1;
    public static final int HIGHEST = 255;

    public ExitStatuses {
        remapped = Map.copyOf(remapped);
    }

    /** One NAME=STATUS of --exit-status, as its converter read it. */
    public record Remap(ExitStatus status, int code) {}

    /** The remaps given, already checked one by one (each name at most once: see {@link Validation}). */
    public static ExitStatuses of(List<Remap> remaps) {
        Map<ExitStatus, Integer> map = new EnumMap<>(ExitStatus.class);
        remaps.forEach(r -> map.put(r.status(), r.code()));
        return new ExitStatuses(map);
    }

    /** The number this run exits with for {@code status}. */
    public int of(ExitStatus status) {
        return remapped.getOrDefault(status, status.code);
    }
}
