package dev.proa.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration: proa's command line, with every option also read from an environment variable. picocli parses
 * it, converts and checks each value ({@link Converters}), and prints the usage ({@link Usage}); the options are one
 * table ({@link OptionTable}); what it cannot check one option at a time, {@link Validation} does.
 */
public final class Options {

    CommandSpec spec;
    /** The environment the options fell back to: validation reads a list variable's value as written. */
    Map<String, String> env = Map.of();
    /** Each option's environment variable, by the option's longest name: the table's column. */
    private final Map<String, String> variables = new HashMap<>();

    public List<Settings.Target> shutdownHttpGet = new ArrayList<>();
    public List<Settings.Target> shutdownHttpPost = new ArrayList<>();
    /** --shutdown-order: each element one phase, its sidecars' names separated by commas. */
    public List<String> shutdownOrder = new ArrayList<>();
    public List<String> kill = new ArrayList<>();
    public boolean killAll;
    public boolean shutdownAuto = true;
    public String podName;
    public String namespace;
    public String container;
    public List<String> waitFor = new ArrayList<>();
    public List<String> ignore = new ArrayList<>();
    public List<String> main = new ArrayList<>();
    public Duration startupTimeout;
    public OnStartupTimeout onStartupTimeout = OnStartupTimeout.FAIL;
    public Duration shutdownTimeout;
    public LogLevel logLevel = LogLevel.INFO;
    public LogFormat logFormat = LogFormat.TEXT;
    public List<HttpUrl> waitHttp = new ArrayList<>();
    public List<java.net.InetSocketAddress> waitTcp = new ArrayList<>();
    public boolean events;
    public String terminationLog = DEFAULT_TERMINATION_LOG;
    public boolean noShutdownOnFailure;
    public boolean alwaysShutdown;
    public boolean disabled;
    public boolean processGroup;
    /** --exit-status: proa's own statuses renumbered, each at most once. */
    public List<ExitStatuses.Remap> exitStatus = new ArrayList<>();
    /** {@code proa check --probe}: also knock on each target. */
    public boolean probe;
    /** COMMAND and its arguments: always the last {@code command.size()} of proa's arguments. */
    public List<String> command = new ArrayList<>();

    /** Where the kubelet puts a container's termination message: proa writes there only if it exists. */
    static final String DEFAULT_TERMINATION_LOG = "/dev/termination-log";

    private final OptionTable.Binding commandField = new OptionTable.Binding(() -> command, v -> command = list(v));
    private final OptionTable.Binding probeField = new OptionTable.Binding(() -> probe, v -> probe = (Boolean) v);

    /** proa's command: its usage text, options, help and version options, COMMAND, and exit statuses. */
    private CommandSpec command() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("proa").versionProvider(new Usage.Version())
                .exitCodeOnInvalidInput(ExitStatus.USAGE.code)
                // proa's own defect, escaped from the lifecycle (the wiring's handler gives the remapped status).
                .exitCodeOnExecutionException(ExitStatus.PROA_FAILED.code);
        Usage.describeRun(spec.usageMessage());
        for (OptionTable.Row row : OptionTable.rows(this)) {
            OptionSpec option = row.spec().build();
            spec.addOption(option);
            variables.put(option.longestName(), row.variable());
        }
        Usage.addHelp(spec);
        // Not required here: a subcommand takes its place (the wiring's); Validation requires it of a run.
        spec.addPositional(CommandLine.Model.PositionalParamSpec.builder().paramLabel("COMMAND").arity("0..*")
                .type(List.class).auxiliaryTypes(String.class).description("The command to run, and its arguments.")
                .initialValue(command).hasInitialValue(true).getter(commandField).setter(commandField).build());
        return spec;
    }

    /** A parser for proa's command line that falls back to {@code env} for every option not given. */
    public static CommandLine commandLine(Options options, Map<String, String> env) {
        CommandLine cli = new CommandLine(options.command());
        options.spec = cli.getCommandSpec();
        options.env = env;
        cli.setStopAtPositional(true); // COMMAND's own options are never proa's
        cli.setExpandAtFiles(false); // an argument of COMMAND's that starts with @ is COMMAND's, not a file of proa's
        cli.registerConverter(OnStartupTimeout.class, new Converters.Choice<>(OnStartupTimeout.class));
        cli.registerConverter(LogLevel.class, new Converters.Choice<>(LogLevel.class));
        cli.registerConverter(LogFormat.class, new Converters.Choice<>(LogFormat.class));
        // No ${...} in proa's descriptions; expanding them would ask the default provider, which reads descriptions.
        cli.setInterpolateVariables(false);
        cli.setDefaultValueProvider(options::fromEnvironment);
        cli.setParameterExceptionHandler(Usage::error);
        return cli;
    }

    /**
     * The parser for {@code proa check [--probe] [OPTIONS]}: the same options and variables as a run, --probe, and no
     * COMMAND (one given is a usage error).
     */
    public static CommandLine checkCommandLine(Options options, Map<String, String> env, String header) {
        CommandLine cli = commandLine(options, env);
        CommandSpec spec = cli.getCommandSpec();
        spec.remove(spec.positionalParameters().getFirst());
        spec.name("proa check");
        Usage.describeCheck(spec.usageMessage(), header);
        spec.addOption(OptionSpec.builder("--probe").type(boolean.class).initialValue(false).hasInitialValue(true).description("Also knock once on each"
                + " readiness target (--wait-http: a GET; --wait-tcp: a connect) and on each shutdown endpoint's port"
                + " (a connect, never the request).").getter(options.probeField).setter(options.probeField).build());
        return cli;
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> list(Object value) {
        return (List<T>) value;
    }

    /** The environment variable of an option (null for -h, -V and --probe): the table's column. */
    public String variable(OptionSpec option) {
        return variables.get(option.longestName());
    }

    String fromEnvironment(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) return null;
        String variable = variable(option);
        String value = variable == null ? null : env.get(variable);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Checks what picocli cannot check one option at a time. */
    public void validate() {
        Validation.check(this);
    }

    /** Where an option's value came from, for messages: the flag itself, or its environment variable. */
    public String sourceOf(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option) ? option : variable(spec.findOption(option));
    }

    /** The settings of each phase, from these options once parsed and validated. */
    public Settings settings() {
        List<Settings.Request> requests = new ArrayList<>();
        shutdownHttpGet.forEach(t -> requests.add(new Settings.Request("GET", t.url(), t.sidecar())));
        shutdownHttpPost.forEach(t -> requests.add(new Settings.Request("POST", t.url(), t.sidecar())));
        return new Settings(
                new Settings.Pod(given("--pod-name", podName), given("--namespace", namespace)),
                new Settings.Sidecars(container, List.copyOf(waitFor), List.copyOf(ignore), List.copyOf(waitHttp),
                        List.copyOf(waitTcp), List.copyOf(main)),
                new Settings.Startup(Optional.ofNullable(startupTimeout), onStartupTimeout),
                new Settings.Stop(Optional.ofNullable(shutdownTimeout), List.copyOf(requests), List.copyOf(kill),
                        killAll, noShutdownOnFailure, shutdownAuto, shutdownOptions(), alwaysShutdown, order()),
                new Settings.Report(events, terminationLog, !terminationLog.equals(DEFAULT_TERMINATION_LOG)),
                List.copyOf(command), disabled, processGroup,
                ExitStatuses.of(exitStatus));
    }

    private Optional<Settings.Given> given(String option, String value) {
        return Optional.ofNullable(value).map(v -> new Settings.Given(v, sourceOf(option)));
    }

    /**
     * --shutdown-order's phases, each a list of names (Validation has checked them). An empty phase keeps its place:
     * {@code ;istio-proxy} is "everything unnamed first (the first phase holds it), the mesh last"; the phases left
     * empty in the end are compacted by the plan.
     */
    List<List<String>> order() {
        return shutdownOrder.stream().map(phase -> java.util.Arrays.stream(phase.split(",")).map(String::strip)
                .filter(n -> !n.isEmpty()).toList()).toList();
    }

    /** The shutdown options given, as an operator would write them: the plan names them. */
    private List<String> shutdownOptions() {
        List<String> given = new ArrayList<>();
        shutdownHttpGet.forEach(t -> given.add("--shutdown-http-get=" + t));
        shutdownHttpPost.forEach(t -> given.add("--shutdown-http-post=" + t));
        kill.forEach(k -> given.add("--kill=" + k));
        if (killAll) given.add("--kill-all");
        return List.copyOf(given);
    }
}
