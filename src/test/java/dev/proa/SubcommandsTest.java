package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.proa.config.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The run's subcommands: which one picocli chooses, with which arguments, and each one's --help. */
class SubcommandsTest {

    /** The arguments, the subcommand chosen (empty: a run), and its arguments, or the run's COMMAND. */
    static Stream<Arguments> dispatch() {
        return Stream.of(
                arguments(List.of("check", "--probe", "-p", "http://h/q?a=1,2"), "check",
                        List.of("--probe", "-p", "http://h/q?a=1,2")),
                arguments(List.of("check"), "check", List.of()),
                arguments(List.of("inject", "--image=x", "--", "--events"), "inject", List.of("--image=x", "--", "--events")),
                arguments(List.of("webhook", "--help"), "webhook", List.of("--help")),
                arguments(List.of("copy", "/proa-copy"), "copy", List.of("/proa-copy")),
                arguments(List.of("--", "check", "--probe"), "", List.of("check", "--probe")),
                arguments(List.of("--", "inject"), "", List.of("inject")),
                arguments(List.of("--events", "check", "--bad"), "", List.of("check", "--bad")),
                arguments(List.of("-p", "http://h/", "copy", "a", "--", "b"), "", List.of("copy", "a", "--", "b")),
                arguments(List.of("sh", "check", "--probe"), "", List.of("sh", "check", "--probe")),
                arguments(List.of("checkers"), "", List.of("checkers")));
    }

    @ParameterizedTest(name = "proa {0}")
    @MethodSource("dispatch")
    void theSubcommandIsOnlyProasFirstArgument(List<String> args, String subcommand, List<String> rest) {
        Options options = new Options();
        CommandLine cli = Subcommands.attach(Options.commandLine(options, Map.of()));
        CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
        Optional<Subcommands.Chosen> chosen = Subcommands.chosen(parsed, c -> options.command = new ArrayList<>(c));

        assertEquals(subcommand, chosen.map(c -> c.row().name()).orElse(""));
        assertEquals(rest, chosen.map(Subcommands.Chosen::args).orElse(options.command));
        if (chosen.isEmpty()) assertEquals(args.subList(args.size() - rest.size(), args.size()), rest, "COMMAND is the tail");
    }

    @Test
    void proasHelpListsEverySubcommand() {
        Run run = run("--help");
        assertEquals(0, run.status, run::toString);
        String text = run.out.replaceAll("\\s+", " ");
        for (Subcommands.Row row : Subcommands.TABLE) {
            assertTrue(text.contains(" " + row.name() + " " + row.header()), row.name() + ": " + run.out);
        }
        assertTrue(run.out.contains("Usage: proa [OPTIONS] [--] COMMAND [ARG...]"), run.out);
    }

    @ParameterizedTest(name = "proa {0} --help")
    @CsvSource({"check, Usage: proa check [--probe] [OPTIONS], --probe", "inject, Usage: proa inject, --image",
        "webhook, Usage: proa webhook, --tls-cert", "copy, Usage: proa copy DIR, DIR"})
    void eachSubcommandHasItsOwnHelp(String name, String usage, String option) {
        Run run = run(name, "--help");
        assertEquals(0, run.status, run::toString);
        assertTrue(run.out.contains(usage) && run.out.contains(option), run.out);
        assertFalse(run.out.contains("COMMAND [ARG...]"), run.out);
        assertEquals("", run.err, run::toString);
    }

    @Test
    void checksHelpShowsTheRunsOptionsAndVariables() {
        Run run = run("check", "-h");
        assertTrue(run.out.contains("--shutdown-http-post") && run.out.contains("PROA_SHUTDOWN_HTTP_POST"), run.out);
        // check's own statuses, not a run's
        assertTrue(run.out.contains("Exit Codes:\n  0   The plan is complete and permitted."), run.out);
        assertFalse(run.out.contains("sidecars-not-ready:") || run.out.contains("proa-failed:"), run.out);
    }

    @Test
    void checkParsesProbeAsAnOption() {
        Options options = new Options();
        Options.checkCommandLine(options, Map.of(), "").parseArgs("-p", "http://h/", "--probe", "--events");
        assertTrue(options.probe);
        assertTrue(options.events);
    }

    @Test
    void aBadOptionOfCheckIsItsUsageError() {
        Run run = run("check", "--no-such-option");
        assertEquals(2, run.status, run::toString);
        assertTrue(run.err.startsWith("proa check: ") && run.err.contains("--no-such-option")
                && run.err.contains("Usage: proa check [--probe] [OPTIONS]"), run.err);
    }

    record Run(int status, String out, String err) {}

    private static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int status = Proa.run(args, Map.of());
            return new Run(status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
