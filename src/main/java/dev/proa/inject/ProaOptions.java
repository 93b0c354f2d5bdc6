package dev.proa.inject;

import dev.proa.config.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The proa options that {@code inject} and {@code webhook} put before {@code --} in every injected command, checked
 * with proa's own command line now: a typo there would otherwise fail every Pod that runs them.
 */
final class ProaOptions {
    /** The options proa would reject: why, in proa's own words. */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message);
        }
    }

    private ProaOptions() {}

    static void check(List<String> given) throws Rejected {
        parse(given);
    }

    /** Whether they ask for Events (--events), which the Role must then allow. */
    static boolean events(List<String> given) {
        try {
            return parse(given).events;
        } catch (Rejected e) {
            return false;
        }
    }

    private static Options parse(List<String> given) throws Rejected {
        if (given.contains("--")) throw new Rejected("a second -- (proa's options come after the first, and no command)");
        Options options = new Options();
        CommandLine cli = Options.commandLine(options, Map.of());
        List<String> args = new ArrayList<>(given);
        args.add("--");
        args.add("COMMAND");
        try {
            cli.parseArgs(args.toArray(String[]::new));
            options.validate();
        } catch (CommandLine.ParameterException e) {
            throw new Rejected(e.getMessage());
        }
        if (!options.command.equals(List.of("COMMAND"))) {
            throw new Rejected("'" + options.command.getFirst() + "' is not an option of proa (only proa's options go"
                    + " after --; the container's command is kept)");
        }
        if (cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
            throw new Rejected("--help and --version would make proa print and exit instead of running the command");
        }
        return options;
    }
}
