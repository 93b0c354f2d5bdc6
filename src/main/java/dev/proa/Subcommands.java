package dev.proa;

import dev.proa.inject.Tools;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * proa's subcommands, one table: each row's name, the line {@code proa --help} lists it with, and what runs it. They
 * are picocli subcommands of the run, and picocli chooses one; each is built in full (its options, its --help) only
 * once chosen. Until then it stands in as its name and line, taking its arguments as they are: building every
 * subcommand's model at every start would cost the run's start (inject's and webhook's are read from annotations).
 */
final class Subcommands {
    private Subcommands() {}

    /** A subcommand: {@code run} parses its arguments (picocli, its own model) and runs it; returns the exit status. */
    record Row(String name, String header, Runner run) {}

    interface Runner {
        int run(List<String> args, Map<String, String> env);
    }

    static final List<Row> TABLE = List.of(
            new Row("check", Proa.CHECK_HEADER, Proa::check),
            new Row("inject", Tools.INJECT, (args, env) -> endedBySignals(() -> Tools.inject(args))),
            // SIGTERM (a rollout) ends the webhook through the JVM's exit, whose hook finishes the answers under way.
            new Row("webhook", Tools.WEBHOOK, (args, env) -> Tools.webhook(args, log -> Proa.endOnSignal(log, System::exit))),
            new Row(Tools.COPY_COMMAND, Tools.COPY, (args, env) -> endedBySignals(() -> Tools.copy(args))));

    /**
     * A tool that starts and stops no COMMAND: a signal that would end a program ends it (a Ctrl-C on {@code proa
     * inject}). proa's signals are held from its first instruction (the launcher, or the relaunch of {@code java
     * -jar}), so without a reader nothing would act on them.
     */
    private static int endedBySignals(java.util.function.IntSupplier tool) {
        Proa.endOnSignal(org.slf4j.LoggerFactory.getLogger("proa"), System::exit);
        return tool.getAsInt();
    }

    /** Adds every row to the run's command line, as a stand-in. */
    static CommandLine attach(CommandLine run) {
        for (Row row : TABLE) run.addSubcommand(row.name(), standIn(row));
        return run;
    }

    /**
     * A row until it is chosen: its name and line for {@code proa --help}; every argument after its name kept as
     * given, options, {@code --} and all, for its own parser.
     */
    private static CommandLine standIn(Row row) {
        CommandSpec spec = CommandSpec.create().name(row.name());
        spec.usageMessage().header(row.header());
        spec.parser().unmatchedOptionsArePositionalParams(true).endOfOptionsDelimiter("\0").expandAtFiles(false);
        spec.addPositional(PositionalParamSpec.builder().paramLabel("ARG").arity("0..*").type(List.class)
                .auxiliaryTypes(String.class).build());
        return new CommandLine(spec);
    }

    /** A subcommand chosen, with its arguments as given. */
    record Chosen(Row row, List<String> args) {
        int run(Map<String, String> env) {
            return row.run().run(args, env);
        }
    }

    /**
     * The subcommand picocli chose, when its name was proa's first argument. After an option of the run's, the name
     * is COMMAND's, as before proa had subcommands: {@code proa --events check} runs a program named check. Returns
     * empty for a run; {@code command} receives COMMAND then.
     */
    static Optional<Chosen> chosen(CommandLine.ParseResult parsed, java.util.function.Consumer<List<String>> command) {
        if (!parsed.hasSubcommand()) return Optional.empty();
        CommandLine.ParseResult sub = parsed.subcommand();
        List<String> args = sub.matchedPositionals().isEmpty() ? List.of() : sub.matchedPositionals().getFirst().getValue();
        String name = sub.commandSpec().name();
        if (!parsed.matchedArgs().isEmpty()) {
            command.accept(java.util.stream.Stream.concat(java.util.stream.Stream.of(name), args.stream()).toList());
            return Optional.empty();
        }
        Row row = TABLE.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
        return Optional.of(new Chosen(row, List.copyOf(args)));
    }
}
