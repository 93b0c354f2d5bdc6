package dev.proa.process;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What COMMAND starts with, of signals, in one place ({@link Spawn} gives it to posix_spawn's
 * {@code POSIX_SPAWN_SETSIGMASK} and {@code POSIX_SPAWN_SETSIGDEF}): no signal blocked, though proa's own threads
 * block every signal it forwards; every signal at its default action, glibc's 32 and 33 too (the JDK's own way to
 * start a child left them ignored), except those ignored when proa started, which stay ignored (nohup's rule, as
 * under tini).
 *
 * @param ignored the signals ignored when proa started ({@link Inherited}: the launcher's {@code -Dproa.ignored})
 */
public record CommandSignals(Set<Integer> ignored) {
    public CommandSignals {
        ignored = Set.copyOf(ignored);
    }

    /** From a signal mask, bit N-1 for signal N (as /proc's SigIgn, and {@code -Dproa.ignored}). */
    public static CommandSignals ofMask(long ignored) {
        return new CommandSignals(IntStream.rangeClosed(1, 64).filter(n -> (ignored & bit(n)) != 0).boxed()
                .collect(Collectors.toUnmodifiableSet()));
    }

    /** What proa was given: see {@link Inherited}. */
    public static CommandSignals atStart() {
        return ofMask(Inherited.snapshot().ignored());
    }

    /** The signal mask COMMAND starts with: empty. */
    public long mask() {
        return 0;
    }

    /**
     * The signals to set to their default action in COMMAND: every one but SIGKILL and SIGSTOP (which cannot be set)
     * and those ignored when proa started.
     */
    public Set<Integer> resetToDefault() {
        return IntStream.rangeClosed(1, 64).filter(n -> n != 9 && n != 19 && !ignored.contains(n)).boxed()
                .collect(Collectors.toUnmodifiableSet());
    }

    /** {@link #resetToDefault} as a signal mask, bit N-1 for signal N. */
    long resetToDefaultMask() {
        return resetToDefault().stream().mapToLong(CommandSignals::bit).reduce(0, (a, b) -> a | b);
    }

    private static long bit(int signal) {
        return 1L << (signal - 1);
    }
}
