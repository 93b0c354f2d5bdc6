package dev.proa.config;


import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The configuration: proa's command line, with every option also read from an environment variable. picocli parses
 * it, converts and checks each value, and prints the usage.
 * <p>
 * The model is built with picocli's programmatic API from the table in {@link #addOptions}, not from annotations:
 * reading annotations at every start cost about 40 ms (the README's Performance section), and the table says the
 * same once.
 */
public final class Options {

    CommandLine.Model.CommandSpec spec;
    /** The environment the options fell back to: validate reads a list variable's value as written. */
    private Map<String, String> env = Map.of();

    public List<HttpUrl> shutdownHttpGet = new ArrayList<>();
    public List<HttpUrl> shutdownHttpPost = new ArrayList<>();
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
    public List<String> command = new ArrayList<>();

    /** Where the kubelet puts a container's termination message: proa writes there only if it exists. */
    public static final String DEFAULT_TERMINATION_LOG = "/dev/termination-log";

    /** proa's command: its usage text, help and version options, and exit statuses. */
    private static CommandLine.Model.CommandSpec command(Options options) {
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(options).name("proa")
                .versionProvider(new Version())
                .exitCodeOnInvalidInput(ExitStatus.USAGE)
                // proa's own defect, escaped from the lifecycle: as when COMMAND could not be started.
                .exitCodeOnExecutionException(ExitStatus.STARTUP_FAILED);
        describe(spec.usageMessage());
        addOptions(spec, options);
        // -h and -V, after proa's own (picocli's standard mixin would show its names as unexpanded ${...} variables,
        // as proa turns variable interpolation off).
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help message and exit.")
                .build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        Binding command = new Binding(() -> options.command, v -> options.command = list(v));
        spec.addPositional(CommandLine.Model.PositionalParamSpec.builder().paramLabel("COMMAND").arity("1..*")
                .type(List.class).auxiliaryTypes(String.class).description("The command to run, and its arguments.")
                .required(true).initialValue(options.command).hasInitialValue(true).getter(command).setter(command)
                .build());
        return spec;
    }

    /** What --help says around the options. */
    private static void describe(CommandLine.Model.UsageMessageSpec usage) {
        usage.sortOptions(false).autoWidth(true).headerHeading("")
                .header("Run COMMAND once the Pod's sidecars are ready; stop them when it exits.")
                .synopsisHeading("%nUsage: ").customSynopsis("proa [OPTIONS] [--] COMMAND [ARG...]")
                .descriptionHeading("%n").description(
                        "Waits until every sidecar of its own Pod reports ready, runs COMMAND, then asks the sidecars to"
                                + " stop and waits until they have. Exits with COMMAND's status (128+N if signal N killed"
                                + " it), 2 on a usage error, 125 if COMMAND could not be started (startup failed),"
                                + " 126 if COMMAND is not executable, 127 if it is not found.",
                        "'proa check [--probe] [OPTIONS]' prints the plan of a run with these options, and whether it"
                                + " will work; it starts and stops nothing.",
                        "Everything from COMMAND on belongs to COMMAND. Every option can also be given by the"
                                + " environment variable named in its description; a list there is comma-separated, and"
                                + " so is a list value on the command line.")
                .optionListHeading("%nOptions:%n");
    }

    /** Every option: its names, value, description (ending with its variable: "Env: NAME."), and field. */
    private static void addOptions(CommandLine.Model.CommandSpec spec, Options o) {
        spec.addOption(list(new String[] {"-g", "--shutdown-http-get"}, "URL", HttpUrl.class, new UrlConverter(),
                () -> o.shutdownHttpGet, v -> o.shutdownHttpGet = list(v),
                "After COMMAND exits, send an HTTP GET to URL to stop a sidecar. Repeatable. Env: PROA_SHUTDOWN_HTTP_GET."));
        spec.addOption(list(new String[] {"-p", "--shutdown-http-post"}, "URL", HttpUrl.class, new UrlConverter(),
                () -> o.shutdownHttpPost, v -> o.shutdownHttpPost = list(v),
                "After COMMAND exits, send an HTTP POST to URL, e.g. http://127.0.0.1:15020/quitquitquit"
                        + " for istio-proxy. Repeatable. Env: PROA_SHUTDOWN_HTTP_POST."));
        spec.addOption(list(new String[] {"-k", "--kill"}, "NAME", String.class, null,
                () -> o.kill, v -> o.kill = list(v),
                "After COMMAND exits, send SIGTERM to every process whose executable is named NAME."
                        + " Needs shareProcessNamespace: true. Repeatable. Env: PROA_KILL."));
        spec.addOption(flag(new String[] {"-K", "--kill-all"}, () -> o.killAll, v -> o.killAll = (Boolean) v,
                "After COMMAND exits, send SIGTERM to every other process proa can see."
                        + " Needs shareProcessNamespace: true. Outside a Pod's PID namespace (proa not PID 1, and PID 1"
                        + " not the Pod's pause process), -k and -K signal only proa's own descendants."
                        + " Env: PROA_KILL_ALL."));
        spec.addOption(option(new String[] {"--shutdown-auto"}, "true|false", boolean.class, null,
                () -> o.shutdownAuto, v -> o.shutdownAuto = (Boolean) v,
                "With no -g, -p, -k or -K, stop each sidecar proa recognizes (istio-proxy, linkerd-proxy,"
                        + " the Cloud SQL and AlloyDB Auth Proxies, Envoy, Vault Agent) its own way. Default: true."
                        + " Env: PROA_SHUTDOWN_AUTO.").arity("0..1").fallbackValue("true").build());
        spec.addOption(text(new String[] {"--pod-name"}, "NAME", () -> o.podName, v -> o.podName = (String) v,
                "proa's own Pod. Default: $HOSTNAME up to its first '.', else the host name likewise. Env: POD_NAME."));
        spec.addOption(text(new String[] {"--namespace"}, "NS", () -> o.namespace, v -> o.namespace = (String) v,
                "The Pod's namespace. Default: the client's configured namespace (the service account's,"
                        + " or the kubeconfig's). Env: POD_NAMESPACE."));
        spec.addOption(text(new String[] {"--container"}, "NAME", () -> o.container, v -> o.container = (String) v,
                "proa's own container, which is not a sidecar. Default: the container proa runs in (from its"
                        + " kubelet mounts), else the Pod's first container. Env: PROA_CONTAINER."));
        spec.addOption(list(new String[] {"--wait-for"}, "NAME", String.class, null, () -> o.waitFor, v -> o.waitFor = list(v),
                "Wait only for these sidecars. Repeatable. Env: PROA_WAIT_FOR."));
        spec.addOption(list(new String[] {"--ignore"}, "NAME", String.class, null, () -> o.ignore, v -> o.ignore = list(v),
                "Never wait for these containers. Repeatable. Env: PROA_IGNORE."));
        spec.addOption(list(new String[] {"--main"}, "NAME", String.class, null, () -> o.main, v -> o.main = list(v),
                "Another main container of the Pod (one that does the Job's work, with a proa of its own):"
                        + " not a sidecar. After COMMAND exits, the proa of the last main container in the Pod's spec"
                        + " waits until every other one has terminated for good (at most the shutdown timeout), then"
                        + " stops the sidecars; the others leave it to that one. Give every proa the same list; its own"
                        + " container in it is skipped. Repeatable. Env: PROA_MAIN."));
        spec.addOption(option(new String[] {"--startup-timeout"}, "DURATION", Duration.class, new DurationConverter(),
                () -> o.startupTimeout, v -> o.startupTimeout = (Duration) v,
                "Give up waiting for the sidecars DURATION (250ms, 30s, 5m, 1h or seconds) after proa's"
                        + " process started (its own startup counts). Default: wait forever. Env: PROA_STARTUP_TIMEOUT.")
                .build());
        spec.addOption(option(new String[] {"--on-startup-timeout"}, "fail|continue", OnStartupTimeout.class, null,
                () -> o.onStartupTimeout, v -> o.onStartupTimeout = (OnStartupTimeout) v,
                "On startup timeout, fail (exit 125 without running COMMAND) or continue (run COMMAND anyway)."
                        + " Default: fail. Env: PROA_ON_STARTUP_TIMEOUT.").arity("1").build());
        spec.addOption(option(new String[] {"--shutdown-timeout"}, "DURATION", Duration.class, new DurationConverter(),
                () -> o.shutdownTimeout, v -> o.shutdownTimeout = (Duration) v,
                "The longest the shutdown may take. Default: the Pod's terminationGracePeriodSeconds,"
                        + " else 30s. Env: PROA_SHUTDOWN_TIMEOUT.").build());
        spec.addOption(option(new String[] {"--log-level"}, "LEVEL", LogLevel.class, null,
                () -> o.logLevel, v -> o.logLevel = (LogLevel) v,
                "error, warn, info, debug or trace. Default: info. Env: PROA_LOG_LEVEL.").build());
        spec.addOption(option(new String[] {"--log-format"}, "text|json", LogFormat.class, null,
                () -> o.logFormat, v -> o.logFormat = (LogFormat) v,
                "text, or json: one JSON object per line with time, level, message and fields."
                        + " Default: text. Env: PROA_LOG_FORMAT.").build());
        spec.addOption(list(new String[] {"--wait-http"}, "URL", HttpUrl.class, new UrlConverter(),
                () -> o.waitHttp, v -> o.waitHttp = list(v),
                "Also wait until URL answers 2xx. Repeatable. With only --wait-http and --wait-tcp (no"
                        + " --wait-for), proa does not use the Kubernetes API at all. Env: PROA_WAIT_HTTP."));
        spec.addOption(list(new String[] {"--wait-tcp"}, "HOST:PORT", java.net.InetSocketAddress.class,
                new TcpConverter(), () -> o.waitTcp, v -> o.waitTcp = list(v),
                "Also wait until HOST:PORT accepts a connection. Repeatable. Env: PROA_WAIT_TCP."));
        spec.addOption(flag(new String[] {"--events"}, () -> o.events, v -> o.events = (Boolean) v,
                "Record Kubernetes Events on the Pod (SidecarsReady, StartupFailed, CommandExited,"
                        + " ShutdownIncomplete); needs create on events. Env: PROA_EVENTS."));
        spec.addOption(text(new String[] {"--termination-log"}, "PATH", () -> o.terminationLog,
                v -> o.terminationLog = (String) v,
                "Where to write a one-line summary of the run when it exists and is writable."
                        + " Default: /dev/termination-log. Env: PROA_TERMINATION_LOG."));
        spec.addOption(flag(new String[] {"--no-shutdown-on-failure"}, () -> o.noShutdownOnFailure,
                v -> o.noShutdownOnFailure = (Boolean) v,
                "Leave the sidecars running when the exit status is not 0, whatever the Pod's restart policy"
                        + " (by default they are left only when the kubelet will restart proa's container)."
                        + " Env: PROA_NO_SHUTDOWN_ON_FAILURE."));
        spec.addOption(flag(new String[] {"--always-shutdown"}, () -> o.alwaysShutdown,
                v -> o.alwaysShutdown = (Boolean) v,
                "Stop the sidecars after COMMAND whatever its status, even when the kubelet will restart proa's"
                        + " container (its restartPolicy or restartPolicyRules), which then finds them stopped."
                        + " Env: PROA_ALWAYS_SHUTDOWN."));
        spec.addOption(flag(new String[] {"--disabled"}, () -> o.disabled, v -> o.disabled = (Boolean) v,
                "Run COMMAND directly: no waiting, no API, no shutdown; signals and the exit status still"
                        + " pass through. Env: PROA_DISABLED."));
        spec.addOption(flag(new String[] {"--process-group"}, () -> o.processGroup, v -> o.processGroup = (Boolean) v,
                "Send the signals proa forwards to COMMAND's whole process group (as tini -g does), e.g. to each"
                        + " program of sh -c 'a | b'. COMMAND always has a process group of its own."
                        + " Env: PROA_PROCESS_GROUP."));
    }

    private static OptionSpec.Builder option(String[] names, String label, Class<?> type,
            CommandLine.ITypeConverter<?> converter, Supplier<Object> get,
            Consumer<Object> set, String description) {
        Binding field = new Binding(get, set);
        OptionSpec.Builder option = OptionSpec.builder(names).type(type).description(description)
                .getter(field).setter(field).initialValue(get.get()).hasInitialValue(true);
        if (label != null) option.paramLabel(label);
        return converter == null ? option : option.converters(converter);
    }

    private static OptionSpec text(String[] names, String label, Supplier<Object> get,
            Consumer<Object> set, String description) {
        return option(names, label, String.class, null, get, set, description).build();
    }

    private static OptionSpec flag(String[] names, Supplier<Object> get,
            Consumer<Object> set, String description) {
        return option(names, null, boolean.class, null, get, set, description).build();
    }

    /** A repeatable option whose values, comma-separated too, each become an element of {@code element}. */
    private static OptionSpec list(String[] names, String label, Class<?> element, CommandLine.ITypeConverter<?> converter,
            Supplier<Object> get, Consumer<Object> set, String description) {
        return option(names, label, List.class, converter, get, set, description).auxiliaryTypes(element)
                .splitRegex(",").build();
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object value) {
        return (List<T>) value;
    }

    /** A field, as picocli reads and sets an option's value. */
    private record Binding(Supplier<Object> read, Consumer<Object> write)
            implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) read.get();
        }

        @Override
        public <T> T set(T value) {
            T old = get();
            write.accept(value);
            return old;
        }
    }

    /**
     * The environment variable of an option: declared once, at the end of its description ("Env: NAME."), which is
     * what {@code --help} shows; the README's option table is checked against the same (OptionsTest).
     */
    public static String variable(OptionSpec option) {
        Matcher m = ENV.matcher(String.join(" ", option.description()));
        return m.find() ? m.group(1) : null;
    }

    private static final Pattern ENV = Pattern.compile("Env: ([A-Z_]+)\\.$");

    /** Every option's environment variable, by the option's long name. */
    public static Map<String, String> environment(CommandLine.Model.CommandSpec spec) {
        Map<String, String> variables = new java.util.LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            String variable = variable(option);
            if (variable != null) variables.put(option.longestName(), variable);
        }
        return variables;
    }

    /** A parser for proa's command line that falls back to {@code env} for every option not given. */
    public static CommandLine commandLine(Options options, Map<String, String> env) {
        CommandLine cli = new CommandLine(command(options));
        options.spec = cli.getCommandSpec();
        options.env = env;
        cli.setStopAtPositional(true); // COMMAND's own options are never proa's
        cli.registerConverter(OnStartupTimeout.class, new Choice<>(OnStartupTimeout.class));
        cli.registerConverter(LogLevel.class, new Choice<>(LogLevel.class));
        cli.registerConverter(LogFormat.class, new Choice<>(LogFormat.class));
        // No ${...} in proa's descriptions; expanding them would ask the default provider, which reads descriptions.
        cli.setInterpolateVariables(false);
        cli.setDefaultValueProvider(arg -> fromEnvironment(arg, env));
        cli.setParameterExceptionHandler(Options::usageError);
        return cli;
    }

    /**
     * The parser for {@code proa check [OPTIONS]}: the same options and variables as a run, and no COMMAND (one given
     * is a usage error).
     */
    public static CommandLine checkCommandLine(Options options, Map<String, String> env) {
        CommandLine cli = commandLine(options, env);
        cli.getCommandSpec().remove(cli.getCommandSpec().positionalParameters().getFirst());
        return cli;
    }

    /** A bad command line: the message naming the bad value, the synopsis, where to read more; exit 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        java.io.PrintWriter err = cli.getErr();
        err.println("proa: " + e.getMessage());
        err.println("Usage: " + cli.getCommandSpec().usageMessage().customSynopsis()[0]);
        err.println("Run 'proa --help' for every option.");
        err.flush();
        return ExitStatus.USAGE;
    }

    private static String fromEnvironment(ArgSpec arg, Map<String, String> env) {
        if (!(arg instanceof OptionSpec option)) return null;
        String variable = variable(option);
        String value = variable == null ? null : env.get(variable);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The settings of each phase, from these options once parsed and validated. */
    public Settings settings() {
        List<Settings.Request> requests = new ArrayList<>();
        shutdownHttpGet.forEach(u -> requests.add(new Settings.Request("GET", u)));
        shutdownHttpPost.forEach(u -> requests.add(new Settings.Request("POST", u)));
        return new Settings(
                new Settings.Pod(given("--pod-name", podName), given("--namespace", namespace)),
                new Settings.Sidecars(container, List.copyOf(waitFor), List.copyOf(ignore), List.copyOf(waitHttp),
                        List.copyOf(waitTcp), List.copyOf(main)),
                new Settings.Startup(startupTimeout(), onStartupTimeout),
                new Settings.Shutdown(Optional.ofNullable(shutdownTimeout), List.copyOf(requests), List.copyOf(kill),
                        killAll, noShutdownOnFailure, shutdownAuto, shutdownOptions(), alwaysShutdown),
                new Settings.Report(events, terminationLog, !terminationLog.equals(DEFAULT_TERMINATION_LOG)),
                List.copyOf(command), disabled, processGroup);
    }

    private Optional<Settings.Given> given(String option, String value) {
        return Optional.ofNullable(value).map(v -> new Settings.Given(v, sourceOf(option)));
    }

    /** The shutdown options given, as an operator would write them: the plan names them. */
    private List<String> shutdownOptions() {
        List<String> given = new ArrayList<>();
        shutdownHttpGet.forEach(u -> given.add("--shutdown-http-get=" + Urls.printable(u)));
        shutdownHttpPost.forEach(u -> given.add("--shutdown-http-post=" + Urls.printable(u)));
        kill.forEach(k -> given.add("--kill=" + k));
        if (killAll) given.add("--kill-all");
        return List.copyOf(given);
    }

    /** Checks what picocli cannot check one option at a time. */
    public void validate() {
        spec.options().stream().filter(o -> o.splitRegex().equals(",")).forEach(this::someValue);
        kill = names("--kill", kill);
        waitFor = names("--wait-for", waitFor);
        ignore = names("--ignore", ignore);
        main = names("--main", main);
        if (!command.isEmpty() && command.getFirst().isBlank()) {
            throw new ParameterException(spec.commandLine(), "COMMAND is empty: give the program to run after the options");
        }
        Set<String> both = new HashSet<>(waitFor);
        both.retainAll(ignore);
        if (!both.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "--wait-for and --ignore both name " + String.join(", ", both) + ": a sidecar cannot be both");
        }
        validateMains();
        if (noShutdownOnFailure && alwaysShutdown) {
            throw new ParameterException(spec.commandLine(), sourceOf("--no-shutdown-on-failure") + " and "
                    + sourceOf("--always-shutdown") + " contradict each other (keep the sidecars after a failure, or"
                    + " stop them always): give one");
        }
    }

    /** --main names containers that are not sidecars, and is read from the Pod, which proa must therefore watch. */
    private void validateMains() {
        Set<String> both = new HashSet<>(waitFor);
        both.retainAll(main);
        if (!both.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--wait-for and --main both name " + String.join(", ", both)
                    + ": a main container is not a sidecar, and is never waited for at startup");
        }
        if (!main.isEmpty() && !watchesPod()) {
            throw new ParameterException(spec.commandLine(), "--main=" + String.join(",", main) + " needs the Pod, whose"
                    + " status says when those containers terminate; with only --wait-http/--wait-tcp proa does not"
                    + " watch it (add --wait-for, or drop --main)");
        }
    }

    /**
     * A list option given (on the command line, or by its variable) must give something: {@code -p ',,,'} splits into
     * nothing, and would silently send no request (as {@code -p ''} is an error already).
     */
    private void someValue(OptionSpec option) {
        List<String> given = new ArrayList<>();
        String source = option.longestName();
        var matched = spec.commandLine().getParseResult() == null ? null
                : spec.commandLine().getParseResult().matchedOption(option.longestName());
        if (matched != null) {
            given.addAll(matched.originalStringValues());
        } else if (fromEnvironment(option, env) != null) {
            source = variable(option);
            given.add(env.get(source));
        }
        for (String value : given) {
            if (java.util.Arrays.stream(value.split(",")).allMatch(String::isBlank)) {
                throw new ParameterException(spec.commandLine(), source + " got no " + option.paramLabel() + " in '"
                        + value + "': give at least one, or leave it out");
            }
        }
    }

    /** A list of names as given, "a, b" or "a,b": each trimmed, each once, none empty. */
    private List<String> names(String option, List<String> given) {
        List<String> names = given.stream().map(String::strip).distinct().toList();
        if (names.contains("")) {
            throw new ParameterException(spec.commandLine(), option + " got an empty name in '" + String.join(",", given) + "'");
        }
        return names;
    }

    /** Where an option's value came from, for messages: the flag itself, or its environment variable. */
    public String sourceOf(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option) ? option : variable(spec.findOption(option));
    }

    /**
     * Whether proa watches its Pod through the Kubernetes API: unless the only readiness conditions are
     * --wait-http and --wait-tcp (then it needs no API access, and works outside Kubernetes too).
     */
    public boolean watchesPod() {
        return (waitHttp.isEmpty() && waitTcp.isEmpty()) || !waitFor.isEmpty();
    }

    public boolean continueOnStartupTimeout() {
        return onStartupTimeout == OnStartupTimeout.CONTINUE;
    }

    public Optional<Duration> startupTimeout() {
        return Optional.ofNullable(startupTimeout);
    }

    /**
     * An http:// or https:// URL with a host that could be reached. OkHttp reads it, leniently: it takes
     * {@code http:///x} for host x and encodes a space in the path, so those two are checked as written first.
     */
    public static final class UrlConverter implements CommandLine.ITypeConverter<HttpUrl> {
        private static final Pattern AUTHORITY = Pattern.compile("(?i)https?://[^/?#]");

        @Override
        public HttpUrl convert(String given) {
            String text = given.trim();
            String value = Urls.printable(given); // a usage error is logged too: never with a password
            if (SPACE.matcher(text).find()) {
                throw new CommandLine.TypeConversionException("'" + value + "' has a space in it: give one URL per"
                        + " option, or several separated by commas");
            }
            HttpUrl url = HttpUrl.parse(text);
            if (url == null || !AUTHORITY.matcher(text).lookingAt()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an http:// or https:// URL with"
                        + " a host (http://HOST[:PORT]/PATH)");
            }
            if (Hosts.canonical(url.host()) == null) {
                throw new CommandLine.TypeConversionException("'" + value + "' has no valid host: '" + url.host()
                        + "' is not a host name or IP address");
            }
            return url;
        }
    }

    private static final Pattern SPACE = Pattern.compile("\\s");

    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * One of an enum's values, named in any case, with surrounding white space ignored (a value written in YAML often
     * has some). picocli's own enum conversion does all but the trimming.
     */
    static final class Choice<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
        private final Class<E> type;

        Choice(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            for (E choice : type.getEnumConstants()) {
                if (choice.name().equalsIgnoreCase(value.strip())) return choice;
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not one of "
                    + java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString)
                            .collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    /**
     * HOST:PORT, as [::1]:80 for IPv6; the host is checked for its form ({@link Hosts}), not looked up (it may not
     * resolve yet).
     */
    public static final class TcpConverter implements CommandLine.ITypeConverter<java.net.InetSocketAddress> {
        private static final Pattern FORM = Pattern.compile("(\\[[^\\[\\]]*\\]|[^:\\[\\]]+):(\\d{1,5})");

        @Override
        public java.net.InetSocketAddress convert(String value) {
            Matcher m = FORM.matcher(value.trim());
            int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
            if (port < 1 || port > 65535) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT (a port from 1 to"
                        + " 65535; [::1]:80 for IPv6)");
            }
            String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
            if ((m.group(1).startsWith("[") != host.contains(":")) || Hosts.canonical(host) == null) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT: '" + m.group(1)
                        + "' is not a host name or IP address" + (host.contains(":") ? " ([::1]:80 for IPv6)" : ""));
            }
            return java.net.InetSocketAddress.createUnresolved(host, port);
        }
    }

    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Options.class.getPackage().getImplementationVersion();
            return new String[] {"proa " + (version == null ? "(development build)" : version)};
        }
    }
}
