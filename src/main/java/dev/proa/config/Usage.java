package dev.proa.config;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** What proa says about its command line: the --help text around the options, a usage error, the version. */
final class Usage {
    private Usage() {}

    static final String SYNOPSIS = "proa [OPTIONS] [--] COMMAND [ARG...]";

    static final String LISTS = "A list option is repeatable, and one value (on the command line or in its variable)"
            + " may hold several, separated by commas; a URL option's value splits only at a comma followed by"
            + " http:// or https://, so a comma inside a URL stays in it.";

    /** What --help says around the run's options. */
    static void describeRun(CommandLine.Model.UsageMessageSpec usage) {
        usage.sortOptions(false).autoWidth(true).headerHeading("")
                .header("Run COMMAND once the Pod's sidecars are ready; stop them when it exits.")
                .synopsisHeading("%nUsage: ").customSynopsis(SYNOPSIS, "       proa SUBCOMMAND [OPTIONS]")
                .descriptionHeading("%n").description(
                        "Waits until every sidecar of its own Pod reports ready, runs COMMAND, then asks the sidecars to"
                                + " stop and waits until they have. Exits with COMMAND's status, or one of its own"
                                + " (Exit Codes, below).",
                        "Everything from COMMAND on belongs to COMMAND. A subcommand's name is one only as proa's first"
                                + " argument: 'proa -- check' and 'proa --events check' run a program named check."
                                + " Every option can also be given by the environment variable named in its"
                                + " description. " + LISTS)
                .optionListHeading("%nOptions:%n").commandListHeading("%nSubcommands (each with its own --help):%n")
                .exitCodeListHeading("%nExit Codes (NAME: what --exit-status remaps):%n").exitCodeList(exitCodes());
    }

    /** The statuses' table ({@link ExitStatus#table}), as picocli lists exit codes: the README says the same. */
    static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitStatus.Row row : ExitStatus.table()) {
            codes.put(row.status(), (row.key().isEmpty() ? "" : row.key() + ": ") + row.meaning() + ".");
        }
        return codes;
    }

    /** What --help says around {@code proa check}'s options: the run's, less COMMAND, and --probe. */
    static void describeCheck(CommandLine.Model.UsageMessageSpec usage, String header) {
        usage.sortOptions(false).autoWidth(true).headerHeading("").header(header)
                .synopsisHeading("%nUsage: ").customSynopsis("proa check [--probe] [OPTIONS]")
                .descriptionHeading("%n").description(
                        "Reads the Pod once, asks the API server what the service account may do, and with --probe"
                                + " knocks once on each readiness target and shutdown endpoint's port. Takes the run's"
                                + " options and environment variables, and no COMMAND.",
                        LISTS)
                .optionListHeading("%nOptions:%n")
                // check's own, not a run's (--exit-status does not change them): the README's "proa check" says them.
                .exitCodeListHeading("%nExit Codes:%n").exitCodeList(CHECK_CODES);
    }

    /** What {@code proa check} exits with. */
    static final Map<String, String> CHECK_CODES = checkCodes();

    private static Map<String, String> checkCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "The plan is complete and permitted.");
        codes.put("1", "Something needs fixing (listed).");
        codes.put(Integer.toString(ExitStatus.USAGE.code), "A usage error.");
        return codes;
    }

    /** -h and -V, after proa's own options (picocli's mixin would show unexpanded ${...}: interpolation is off). */
    static void addHelp(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help message and exit.")
                .build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
    }

    /** A bad command line: the message naming the bad value, the synopsis, where to read more; exit 2. */
    static int error(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        String name = cli.getCommandSpec().name();
        PrintWriter err = cli.getErr();
        err.println(name + ": " + e.getMessage());
        err.println("Usage: " + cli.getCommandSpec().usageMessage().customSynopsis()[0]);
        err.println("Run '" + name + " --help' for every option.");
        err.flush();
        return ExitStatus.USAGE.code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Options.class.getPackage().getImplementationVersion();
            return new String[] {"proa " + (version == null ? "(development build)" : version)};
        }
    }
}
