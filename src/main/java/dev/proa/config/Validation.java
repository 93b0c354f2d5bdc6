package dev.proa.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** What picocli cannot check one option at a time; each finding a usage error naming the values and the fix. */
final class Validation {
    private final Options o;

    private Validation(Options options) {
        this.o = options;
    }

    static void check(Options options) {
        new Validation(options).check();
    }

    private void check() {
        o.spec.options().stream().filter(OptionSpec::isMultiValue).forEach(this::someValue);
        o.kill = names("--kill", o.kill);
        o.waitFor = names("--wait-for", o.waitFor);
        o.ignore = names("--ignore", o.ignore);
        o.main = names("--main", o.main);
        if (o.command.isEmpty() && !o.spec.positionalParameters().isEmpty()) { // proa check takes none
            throw error("no COMMAND given: give the program to run after the options (" + Usage.SYNOPSIS + ")");
        }
        if (!o.command.isEmpty() && o.command.getFirst().isBlank()) throw error("COMMAND is empty: give the program to run after the options");
        Set<String> both = new HashSet<>(o.waitFor);
        both.retainAll(o.ignore);
        if (!both.isEmpty()) {
            throw error("--wait-for and --ignore both name " + String.join(", ", both) + ": a sidecar cannot be both");
        }
        mains();
        remapsOnce();
        order();
        if (o.noShutdownOnFailure && o.alwaysShutdown) {
            throw error(o.sourceOf("--no-shutdown-on-failure") + " and " + o.sourceOf("--always-shutdown")
                    + " contradict each other (keep the sidecars after a failure, or stop them always): give one");
        }
    }

    /** --exit-status names each status at most once: two numbers for one would leave the run to pick one. */
    private void remapsOnce() {
        for (ExitStatus status : ExitStatus.values()) {
            List<String> given = o.exitStatus.stream().filter(r -> r.status() == status)
                    .map(r -> Integer.toString(r.code())).toList();
            if (given.size() > 1) {
                throw error(o.sourceOf("--exit-status") + " gives " + status.key + " more than once (" + String.join(
                        " and ", given) + "): give it once");
            }
        }
    }

    /** --main names containers that are not sidecars, and is read from the Pod, which proa must therefore watch. */
    private void mains() {
        Set<String> both = new HashSet<>(o.waitFor);
        both.retainAll(o.main);
        if (!both.isEmpty()) {
            throw error("--wait-for and --main both name " + String.join(", ", both) + ": a main container is not a"
                    + " sidecar, and is never waited for at startup");
        }
        if (!o.main.isEmpty() && !o.settings().sidecars().watchesPod()) {
            throw error("--main=" + String.join(",", o.main) + " needs the Pod, whose status says when those containers"
                    + " terminate; with only --wait-http/--wait-tcp proa does not watch it (add --wait-for, or drop"
                    + " --main)");
        }
    }

    /**
     * --shutdown-order: each sidecar in one phase at most (an empty phase is allowed: {@code ;NAME} puts NAME after
     * every sidecar it does not name; a value of nothing at all is {@link #someValue}'s error).
     */
    private void order() {
        Set<String> seen = new HashSet<>();
        for (List<String> phase : o.order()) {
            for (String name : phase) {
                if (!seen.add(name)) {
                    throw error(o.sourceOf("--shutdown-order") + " names " + name + " in two phases: a sidecar is"
                            + " stopped in one phase; name it once");
                }
            }
        }
    }

    /**
     * A list option given (on the command line, or by its variable) must give something: {@code -p ',,,'} splits into
     * nothing, and would silently send no request (as {@code -p ''} is an error already).
     */
    private void someValue(OptionSpec option) {
        List<String> given = new ArrayList<>();
        String source = option.longestName();
        var parsed = o.spec.commandLine().getParseResult();
        var matched = parsed == null ? null : parsed.matchedOption(option.longestName());
        if (matched != null) {
            given.addAll(matched.originalStringValues());
        } else if (o.fromEnvironment(option) != null) {
            source = o.variable(option);
            given.add(o.env.get(source));
        }
        for (String value : given) {
            if (Arrays.stream(value.split("[,;]")).allMatch(String::isBlank)) {
                throw error(source + " got no " + option.paramLabel().replaceAll("\\[[^]]*]", "") + " in '" + value + "': give at least one, or"
                        + " leave it out");
            }
        }
    }

    /** A list of names as given, "a, b" or "a,b": each trimmed, each once, none empty. */
    private List<String> names(String option, List<String> given) {
        List<String> names = given.stream().map(String::strip).distinct().toList();
        if (names.contains("")) throw error(option + " got an empty name in '" + String.join(",", given) + "'");
        return names;
    }

    private ParameterException error(String message) {
        return new ParameterException(o.spec.commandLine(), message);
    }
}
