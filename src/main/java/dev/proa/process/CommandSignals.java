package dev.proa.process;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What COMMAND starts with, of signals, in one place for whatever starts it (posix_spawn's
 * {@code POSIX_SPAWN_SETSIGMASK} and {@code POSIX_SPAWN_SETSIGDEF}): no signal blocked, though proa's own threads
 * block every signal it forwards; every signal at its default action, except those ignored when proa started, which
 * stay ignored (nohup's rule, as for any program). And the variables the launcher added for proa's JVM, which COMMAND's
 * environment must not hold.
 *
 * @param ignored the signals ignored when proa started
 */
public record CommandSignals(Set<Integer> ignored) {
    /** The launcher's variables for proa's JVM ({@link Signals#IGNORED_VARIABLE}, {@link Signals#SR_VARIABLE}). */
    public static final List<String> LAUNCHER_VARIABLES = List.of(Signals.IGNORED_VARIABLE, Signals.SR_VARIABLE);

    public CommandSignals {
        ignored = Set.copyOf(ignored);
    }

    /** From proa's environment: the launcher says which signals were ignored (none when it did not run). */
    public static CommandSignals of(Map<String, String> env) {
        return new CommandSignals(Signals.ignoredAtStart(env));
    }

    /** The signal mask COMMAND starts with: empty. */
    public long mask() {
        return 0;
    }

    /**
     * The signals to set to their default action in COMMAND: every one but SIGKILL and SIGSTOP (which cannot be set),
     * 32 and 33 (the C library's own, which it resets itself), and those ignored when proa started.
     */
    public Set<Integer> resetToDefault() {
        return IntStream.rangeClosed(1, 64).filter(n -> n != 9 && n != 19 && n != 32 && n != 33 && !ignored.contains(n))
                .boxed().collect(Collectors.toUnmodifiableSet());
    }

    /** Removes the launcher's variables from COMMAND's environment. */
    public static void clean(Map<String, String> environment) {
        LAUNCHER_VARIABLES.forEach(environment::remove);
    }
}
