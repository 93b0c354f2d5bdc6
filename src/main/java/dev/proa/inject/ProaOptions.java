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

    /** A tool's command line split at its first {@code --}: the tool's own options before, proa's after. */
    record Split(List<String> own, List<String> proa) {
        static Split of(List<String> args) {
            int dash = args.indexOf("--");
            return dash < 0 ? new Split(args, List.of()) : new Split(args.subList(0, dash), args.subList(dash + 1, args.size()));
        }
    }

    /** Says a usage error of tool {@code name} ({@code why}), its synopsis and where every option is; returns 2. */
    static int usageError(String name, CommandLine cli, String why, java.io.PrintStream err) {
        err.println("proa " + name + ": " + why);
        err.println("Usage: " + cli.getCommandSpec().usageMessage().customSynopsis()[0]);
        err.println("Run 'proa " + name + " --help' for every option.");
        return 2;
    }

    /** Says that proa's options after {@code --} were rejected; returns 2. */
    static int rejected(String name, Rejected e, java.io.PrintStream err) {
        err.println("proa " + name + ": the proa options after -- would make every injected proa fail: " + e.getMessage());
        return 2;
    }

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
