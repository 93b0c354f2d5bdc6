package dev.proa;

import dev.proa.config.Durations;
import dev.proa.config.ExitStatus;
import dev.proa.config.LogFormat;
import dev.proa.config.LogLevel;
import dev.proa.config.Options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class OptionsTest {
    /** Each option's environment variable, as its description declares it. */
    private static final Map<String, String> ENVIRONMENT = environmentOf(new Options());

    private static Map<String, String> environmentOf(Options options) {
        Map<String, String> variables = new java.util.LinkedHashMap<>();
        for (OptionSpec option : Options.commandLine(options, Map.of()).getCommandSpec().options()) {
            if (options.variable(option) != null) variables.put(option.longestName(), options.variable(option));
        }
        return variables;
    }


    private static final String POST = "http://127.0.0.1:15020/quitquitquit";
    private static final String GET = "http://127.0.0.1:9901/drain";

    // ---- Each option by its long and short name ----

    static Stream<Arguments> eachOption() {
        return Stream.of(
                option("-g " + GET, OptionsTest::getUrls, List.of(GET)),
                option("--shutdown-http-get " + GET, OptionsTest::getUrls, List.of(GET)),
                option("--shutdown-http-get=" + GET, OptionsTest::getUrls, List.of(GET)),
                option("-p " + POST, OptionsTest::postUrls, List.of(POST)),
                option("--shutdown-http-post " + POST, OptionsTest::postUrls, List.of(POST)),
                option("--shutdown-http-post=" + POST, OptionsTest::postUrls, List.of(POST)),
                option("-p https://sidecar.local:8443/stop", OptionsTest::postUrls, List.of("https://sidecar.local:8443/stop")),
                option("-k envoy", o -> o.kill, List.of("envoy")),
                option("--kill envoy", o -> o.kill, List.of("envoy")),
                option("-K", o -> o.killAll, true),
                option("--kill-all", o -> o.killAll, true),
                option("--pod-name web-0", o -> o.podName, "web-0"),
                option("--namespace shop", o -> o.namespace, "shop"),
                option("--container web", o -> o.container, "web"),
                option("--wait-for envoy", o -> o.waitFor, List.of("envoy")),
                option("--ignore vault", o -> o.ignore, List.of("vault")),
                option("--main loader", o -> o.main, List.of("loader")),
                option("--main=loader,indexer", o -> o.main, List.of("loader", "indexer")),
                option("--startup-timeout 90s", o -> o.startupTimeout, Duration.ofSeconds(90)),
                option("--startup-timeout=250ms", o -> o.startupTimeout, Duration.ofMillis(250)),
                option("--startup-timeout 2", o -> o.startupTimeout, Duration.ofSeconds(2)),
                option("--on-startup-timeout continue", o -> continues(o), true),
                option("--on-startup-timeout fail", o -> continues(o), false),
                option("--shutdown-timeout 2m", o -> o.shutdownTimeout, Duration.ofMinutes(2)),
                option("--shutdown-timeout=1h", o -> o.shutdownTimeout, Duration.ofHours(1)),
                option("--log-level debug", o -> o.logLevel, LogLevel.DEBUG),
                option("--log-level=TRACE", o -> o.logLevel, LogLevel.TRACE),
                option("--shutdown-auto=false", o -> o.shutdownAuto, false),
                option("--shutdown-auto", o -> o.shutdownAuto, true),
                option("--exit-status sidecars-not-ready=90", o -> remaps(o), Map.of(ExitStatus.SIDECARS_NOT_READY, 90)),
                option("--exit-status=proa-failed=91,not-found=93 --exit-status NOT-EXECUTABLE=92", o -> remaps(o),
                        Map.of(ExitStatus.PROA_FAILED, 91, ExitStatus.NOT_FOUND, 93, ExitStatus.NOT_EXECUTABLE, 92)),
                option("--exit-status sidecars-not-ready=125", o -> remaps(o),
                        Map.of(ExitStatus.SIDECARS_NOT_READY, 125)));
    }

    /** The statuses a run exits with, as --exit-status remapped them. */
    private static Map<ExitStatus, Integer> remaps(Options o) {
        return o.settings().statuses().remapped();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachOption")
    void eachOption(String args, Function<Options, Object> field, Object expected) {
        Options options = parse(Map.of(), (args + " sh").split(" "));
        assertEquals(expected, field.apply(options));
        assertEquals(List.of("sh"), options.command);
    }

    @Test
    void defaults() {
        Options options = parse(Map.of(), "sh");
        assertEquals(List.of(), options.shutdownHttpGet);
        assertEquals(List.of(), options.shutdownHttpPost);
        assertEquals(List.of(), options.kill);
        assertFalse(options.killAll);
        assertNull(options.podName);
        assertNull(options.namespace);
        assertNull(options.container);
        assertEquals(List.of(), options.waitFor);
        assertEquals(List.of(), options.ignore);
        assertNull(options.startupTimeout);
        assertFalse(continues(options));
        assertNull(options.shutdownTimeout);
        assertEquals(LogLevel.INFO, options.logLevel);
        assertTrue(options.shutdownAuto);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"-h, true, false", "--help, true, false", "-V, false, true", "--version, false, true"})
    void helpAndVersion(String flag, boolean help, boolean version) {
        CommandLine cli = Options.commandLine(new Options(), Map.of());
        cli.parseArgs(flag);
        assertEquals(help, cli.isUsageHelpRequested());
        assertEquals(version, cli.isVersionHelpRequested());
    }

    // ---- Lists: repeated and comma-split ----

    static Stream<Arguments> lists() {
        return Stream.of(
                option("-p http://a/x -p http://b/y", OptionsTest::postUrls, List.of("http://a/x", "http://b/y")),
                option("-p http://a/x,http://b/y", OptionsTest::postUrls, List.of("http://a/x", "http://b/y")),
                option("-p http://a/x,http://b/y --shutdown-http-post http://c/z", OptionsTest::postUrls,
                        List.of("http://a/x", "http://b/y", "http://c/z")),
                option("-g http://a/x --shutdown-http-get=http://b/y,http://c/z", OptionsTest::getUrls,
                        List.of("http://a/x", "http://b/y", "http://c/z")),
                option("-k envoy -k vault,agent --kill=fluentd", o -> o.kill, List.of("envoy", "vault", "agent", "fluentd")),
                option("--wait-for a --wait-for b,c", o -> o.waitFor, List.of("a", "b", "c")),
                option("--ignore a,b --ignore=c", o -> o.ignore, List.of("a", "b", "c")),
                option("--wait-for a, --ignore b", o -> o.waitFor, List.of("a")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lists")
    void listsAccumulate(String args, Function<Options, Object> field, Object expected) {
        assertEquals(expected, field.apply(parse(Map.of(), (args + " sh").split(" "))));
    }

    /**
     * A URL option's value splits only where a comma is followed by http:// or https://: a comma in a URL's query or
     * path stays in it (it used to cut the URL in two); names still split at every comma.
     */
    static Stream<Arguments> commasInUrls() {
        return Stream.of(
                arguments(List.of("-p", "http://h/q?a=1,2"), Map.of(), List.of("http://h/q?a=1,2")),
                arguments(List.of("-p", "http://h/a,b/c,http://i/x,y"), Map.of(), List.of("http://h/a,b/c", "http://i/x,y")),
                arguments(List.of("-p", "http://h/q?a=1,2, HTTPS://i/"), Map.of(), List.of("http://h/q?a=1,2", "https://i/")),
                arguments(List.of("-p", "http://h/q?a=1,2,"), Map.of(), List.of("http://h/q?a=1,2")),
                arguments(List.of(), Map.of("PROA_SHUTDOWN_HTTP_POST", "http://h/q?a=1,2,http://i/?b=3,4"),
                        List.of("http://h/q?a=1,2", "http://i/?b=3,4")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("commasInUrls")
    void aCommaInsideAUrlStaysInIt(List<String> args, Map<String, String> env, List<String> urls) {
        List<String> argv = new java.util.ArrayList<>(args);
        argv.add("sh");
        assertEquals(urls, postUrls(parse(env, argv.toArray(String[]::new))));
        Options waits = parse(Map.of(), "--wait-http", String.join(",", urls), "sh");
        assertEquals(urls, waits.waitHttp.stream().map(HttpUrl::toString).toList());
    }

    /** An argument of COMMAND's that starts with @ is COMMAND's: picocli read it as a file of arguments, and replaced it. */
    @Test
    void anArgumentStartingWithAtIsNotReadAsAFile() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("proa-args", ".txt");
        try {
            java.nio.file.Files.writeString(file, "--kill-all\n");
            String at = "@" + file;
            Options options = parse(Map.of(), "echo", at);
            assertEquals(List.of("echo", at), options.command);
            assertFalse(options.killAll);
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void aSingleValuedOptionGivenTwiceIsAnError() {
        CommandLine cli = Options.commandLine(new Options(), Map.of());
        CommandLine.OverwrittenOptionException e = assertThrows(
                CommandLine.OverwrittenOptionException.class,
                () -> cli.parseArgs("--container", "a", "--container", "b", "sh"));
        assertTrue(e.getMessage().contains("--container"), e.getMessage());
    }

    // ---- The environment ----

    /** One row per variable of {@link Options#ENVIRONMENT}: the option, a value for its variable, and the outcome. */
    static Stream<Arguments> environment() {
        return Stream.of(
                env("--shutdown-http-get", GET, OptionsTest::getUrls, List.of(GET)),
                env("--shutdown-http-post", POST + ",http://127.0.0.1:8500/stop", OptionsTest::postUrls,
                        List.of(POST, "http://127.0.0.1:8500/stop")),
                env("--kill", "envoy,vault", o -> o.kill, List.of("envoy", "vault")),
                env("--shutdown-order", "log-shipper,otel;istio-proxy", o -> o.shutdownOrder,
                        List.of("log-shipper,otel", "istio-proxy")),
                env("--kill-all", "true", o -> o.killAll, true),
                env("--shutdown-auto", "false", o -> o.shutdownAuto, false),
                env("--pod-name", "web-0", o -> o.podName, "web-0"),
                env("--namespace", "shop", o -> o.namespace, "shop"),
                env("--container", "web", o -> o.container, "web"),
                env("--wait-for", "envoy,istio-proxy", o -> o.waitFor, List.of("envoy", "istio-proxy")),
                env("--ignore", "vault", o -> o.ignore, List.of("vault")),
                env("--main", "loader, indexer", o -> o.main, List.of("loader", "indexer")),
                env("--startup-timeout", "5m", o -> o.startupTimeout, Duration.ofMinutes(5)),
                env("--on-startup-timeout", "CONTINUE", o -> continues(o), true),
                env("--shutdown-timeout", "45", o -> o.shutdownTimeout, Duration.ofSeconds(45)),
                env("--log-level", "warn", o -> o.logLevel, LogLevel.WARN),
                env("--log-format", "json", o -> o.logFormat, LogFormat.JSON),
                env("--wait-http", "http://127.0.0.1:8080/ready,http://127.0.0.1:9090/healthz",
                        o -> o.waitHttp.stream().map(Object::toString).toList(),
                        List.of("http://127.0.0.1:8080/ready", "http://127.0.0.1:9090/healthz")),
                env("--wait-tcp", "127.0.0.1:5432,[::1]:6379", o -> o.waitTcp.stream()
                        .map(a -> a.getHostString() + "|" + a.getPort()).toList(), List.of("127.0.0.1|5432", "::1|6379")),
                env("--events", "true", o -> o.events, true),
                env("--termination-log", "/tmp/summary", o -> o.terminationLog, "/tmp/summary"),
                env("--no-shutdown-on-failure", "true", o -> o.noShutdownOnFailure, true),
                env("--always-shutdown", "true", o -> o.alwaysShutdown, true),
                env("--disabled", "true", o -> o.disabled, true),
                env("--process-group", "true", o -> o.processGroup, true),
                env("--exit-status", "sidecars-not-ready=90, proa-failed=91", o -> remaps(o),
                        Map.of(ExitStatus.SIDECARS_NOT_READY, 90, ExitStatus.PROA_FAILED, 91)));
    }

    @ParameterizedTest(name = "{1}={2}")
    @MethodSource("environment")
    void environmentIsHonoured(String option, String variable, String value, Function<Options, Object> field,
            Object expected) {
        Options options = parse(Map.of(variable, value), "sh");
        assertEquals(expected, field.apply(options));
        assertEquals(variable, options.sourceOf(option));
    }

    @ParameterizedTest(name = "{1}=\"  {2}  \" is trimmed")
    @MethodSource("environment")
    void environmentValueIsTrimmed(String option, String variable, String value, Function<Options, Object> field,
            Object expected) {
        assertEquals(expected, field.apply(parse(Map.of(variable, "  " + value + "\n"), "sh")));
    }

    @ParameterizedTest(name = "{1} blank is unset")
    @MethodSource("environment")
    void blankEnvironmentValueIsUnset(String option, String variable, String value, Function<Options, Object> field,
            Object expected) {
        assertEquals(field.apply(parse(Map.of(), "sh")), field.apply(parse(Map.of(variable, "  "), "sh")));
    }

    @Test
    void theEnvironmentTableCoversEveryVariable() {
        Set<String> tested = environment().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(ENVIRONMENT.keySet()), tested);
    }

    @Test
    void everyOptionButHelpAndVersionHasAVariable() {
        CommandLine cli = Options.commandLine(new Options(), Map.of());
        Set<String> options = cli.getCommandSpec().options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp())
                .map(OptionSpec::longestName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(ENVIRONMENT.keySet()), options);
    }

    /** The README's option table ("| `-g`, `--shutdown-http-get=URL` | `PROA_SHUTDOWN_HTTP_GET` | …") says the same. */
    @Test
    void theReadmeOptionTableNamesTheSameOptionsAndVariables() throws Exception {
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("^\\| (?:`-\\w`, )?`(--[a-z-]+)(?:[^|]|\\\\\\|)*\\| `([A-Z_]+)` \\|");
        Map<String, String> readme = new java.util.TreeMap<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("README.md"))) {
            java.util.regex.Matcher m = row.matcher(line);
            if (m.find()) readme.put(m.group(1), m.group(2));
        }
        assertEquals(new java.util.TreeMap<>(ENVIRONMENT), readme);
    }

    @Test
    void unrelatedVariablesAreIgnored() {
        Options options = parse(Map.of("KILL", "x", "CONTAINER", "y", "PROA_CONTAINER_X", "z"), "sh");
        assertEquals(List.of(), options.kill);
        assertNull(options.container);
    }

    @ParameterizedTest(name = "{0}=\"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "PROA_WAIT_FOR | envoy, istio-proxy",
        "PROA_IGNORE   | envoy , istio-proxy",
        "PROA_KILL     | envoy,  istio-proxy",
    })
    void spacesAfterCommasInAListAreNotPartOfTheNames(String variable, String value) {
        Options options = parse(Map.of(variable, value), "sh");
        List<String> list = switch (variable) {
            case "PROA_WAIT_FOR" -> options.waitFor;
            case "PROA_IGNORE" -> options.ignore;
            default -> options.kill;
        };
        assertEquals(List.of("envoy", "istio-proxy"), list);
    }

    /** The command line wins over the environment, also for lists (which it replaces, not extends). */
    static Stream<Arguments> commandLineOverEnvironment() {
        return Stream.of(
                override("PROA_SHUTDOWN_HTTP_GET", "http://env/x", "-g http://cli/y", OptionsTest::getUrls, List.of("http://cli/y")),
                override("PROA_SHUTDOWN_HTTP_POST", "http://env/x,http://env/z", "-p http://cli/y", OptionsTest::postUrls,
                        List.of("http://cli/y")),
                override("PROA_KILL", "envoy,vault", "-k agent", o -> o.kill, List.of("agent")),
                override("PROA_KILL_ALL", "false", "-K", o -> o.killAll, true),
                override("POD_NAME", "env-pod", "--pod-name cli-pod", o -> o.podName, "cli-pod"),
                override("POD_NAMESPACE", "env-ns", "--namespace cli-ns", o -> o.namespace, "cli-ns"),
                override("PROA_CONTAINER", "env-c", "--container cli-c", o -> o.container, "cli-c"),
                override("PROA_WAIT_FOR", "a,b", "--wait-for c", o -> o.waitFor, List.of("c")),
                override("PROA_IGNORE", "a,b", "--ignore c", o -> o.ignore, List.of("c")),
                override("PROA_STARTUP_TIMEOUT", "1m", "--startup-timeout 5s", o -> o.startupTimeout, Duration.ofSeconds(5)),
                override("PROA_ON_STARTUP_TIMEOUT", "continue", "--on-startup-timeout fail",
                        o -> continues(o), false),
                override("PROA_SHUTDOWN_TIMEOUT", "1m", "--shutdown-timeout 10s", o -> o.shutdownTimeout, Duration.ofSeconds(10)),
                override("PROA_LOG_LEVEL", "debug", "--log-level error", o -> o.logLevel, LogLevel.ERROR));
    }

    @ParameterizedTest(name = "{0}={1} then {2}")
    @MethodSource("commandLineOverEnvironment")
    void commandLineOverridesEnvironment(String variable, String value, String args, Function<Options, Object> field,
            Object expected) {
        Options options = parse(Map.of(variable, value), (args + " sh").split(" "));
        assertEquals(expected, field.apply(options));
        String option = ENVIRONMENT.entrySet().stream()
                .filter(e -> e.getValue().equals(variable)).findFirst().orElseThrow().getKey();
        assertEquals(option, options.sourceOf(option));
    }

    // ---- Durations and --on-startup-timeout ----

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--startup-timeout,  250ms, 250",
        "--startup-timeout,  30,    30000",
        "--startup-timeout,  1h,    3600000",
        "--shutdown-timeout, 5m,    300000",
        "--shutdown-timeout, 0s,    0",
    })
    void durationsByFlagAndByEnvironment(String option, String value, long millis) {
        Function<Options, Duration> field = option.equals("--startup-timeout") ? o -> o.startupTimeout : o -> o.shutdownTimeout;
        assertEquals(Duration.ofMillis(millis), field.apply(parse(Map.of(), option, value, "sh")));
        assertEquals(Duration.ofMillis(millis), field.apply(parse(Map.of(), option + "=" + value, "sh")));
        assertEquals(Duration.ofMillis(millis), field.apply(parse(Map.of(ENVIRONMENT.get(option), value), "sh")));
    }

    @ParameterizedTest(name = "--on-startup-timeout={0}")
    @CsvSource({"continue, true", "fail, false", "FAIL, false", "Continue, true", "' continue ', true"})
    void onStartupTimeout(String value, boolean continues) {
        assertEquals(continues, continues(parse(Map.of(), "--on-startup-timeout=" + value, "sh")));
        assertEquals(continues, continues(parse(Map.of(), "--on-startup-timeout", value, "sh")));
        Options fromEnvironment = parse(Map.of("PROA_ON_STARTUP_TIMEOUT", value), "sh");
        assertEquals(continues, continues(fromEnvironment));
        assertEquals("PROA_ON_STARTUP_TIMEOUT", fromEnvironment.sourceOf("--on-startup-timeout"));
        String other = continues ? "fail" : "continue";
        assertEquals(continues,
                continues(parse(Map.of("PROA_ON_STARTUP_TIMEOUT", other), "--on-startup-timeout", value, "sh")));
    }

    // ---- Where COMMAND begins ----

    static Stream<Arguments> commandBoundary() {
        return Stream.of(
                arguments(List.of("sh", "-c", "exit 4", "-p", "x"), List.of("sh", "-c", "exit 4", "-p", "x")),
                arguments(List.of("-p", POST, "sh", "-c", "exit 4", "-p", "x"), List.of("sh", "-c", "exit 4", "-p", "x")),
                arguments(List.of("--", "-weird", "arg"), List.of("-weird", "arg")),
                arguments(List.of("-k", "envoy", "--", "sh", "--", "-x"), List.of("sh", "--", "-x")),
                arguments(List.of("java", "-V"), List.of("java", "-V")),
                arguments(List.of("java", "-h"), List.of("java", "-h")),
                arguments(List.of("java", "--help", "--version"), List.of("java", "--help", "--version")),
                arguments(List.of("app", "--kill-all", "--container", "x"), List.of("app", "--kill-all", "--container", "x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commandBoundary")
    void everythingFromCommandOnBelongsToCommand(List<String> args, List<String> command) {
        CommandLine cli = Options.commandLine(new Options(), Map.of());
        cli.parseArgs(args.toArray(String[]::new));
        Options options = cli.getCommand();
        options.validate();

        assertEquals(command, options.command);
        assertFalse(cli.isUsageHelpRequested());
        assertFalse(cli.isVersionHelpRequested());
        assertFalse(options.killAll);
        assertNull(options.container);
        assertEquals(args.contains(POST) ? List.of(POST) : List.of(), postUrls(options));
    }

    // ---- Usage errors through the whole entry point ----

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                usage("--no-such-option sh", Map.of(), "--no-such-option"),
                usage("-x sh", Map.of(), "-x"),
                usage("--startup-timeout 5x sh", Map.of(), "'5x'"),
                usage("--shutdown-timeout=1.5s sh", Map.of(), "'1.5s'"),
                usage("sh", Map.of("PROA_STARTUP_TIMEOUT", "soon"), "'soon'"),
                usage("--on-startup-timeout=maybe sh", Map.of(), "'maybe'"),
                usage("sh", Map.of("PROA_ON_STARTUP_TIMEOUT", "retry"), "'retry'"),
                usage("--on-startup-timeout", Map.of(), "--on-startup-timeout"),
                usage("-p ftp://x sh", Map.of(), "'ftp://x'"),
                usage("-p notaurl sh", Map.of(), "'notaurl'"),
                usage("-g notaurl,http://ok/x sh", Map.of(), "'notaurl'"),
                usage("sh", Map.of("PROA_SHUTDOWN_HTTP_POST", "localhost:15020"), "'localhost:15020'"),
                usage("--log-level=loud sh", Map.of(), "'loud'"),
                usage("sh", Map.of("PROA_LOG_LEVEL", "verbose"), "'verbose'"),
                usage("sh", Map.of("PROA_KILL_ALL", "yes"), "'yes'"),
                usage("--log-format=xml sh", Map.of(), "'xml'"),
                usage("--wait-tcp=localhost sh", Map.of(), "'localhost'"),
                usage("--wait-tcp=db:0 sh", Map.of(), "'db:0'"),
                usage("--wait-tcp=db:http sh", Map.of(), "'db:http'"),
                usage("--wait-http=localhost:8080 sh", Map.of(), "'localhost:8080'"),
                usage("sh", Map.of("PROA_DISABLED", "maybe"), "'maybe'"),
                usage("--wait-for envoy --ignore envoy sh", Map.of(), "envoy"),
                usage("--wait-for a,envoy --ignore=envoy sh", Map.of(), "both name envoy"),
                usage("--ignore envoy sh", Map.of("PROA_WAIT_FOR", "envoy"), "both name envoy"),
                usage("-k envoy,,vault sh", Map.of(), "--kill got an empty name in 'envoy,,vault'"),
                usage("--main a,,b sh", Map.of(), "--main got an empty name in 'a,,b'"),
                usage("--wait-for envoy,loader --main loader sh", Map.of(), "--wait-for and --main both name loader"),
                usage("--main loader --wait-tcp=db:5432 sh", Map.of(), "--main=loader needs the Pod"),
                usage("--always-shutdown --no-shutdown-on-failure sh", Map.of(),
                        "--no-shutdown-on-failure and --always-shutdown contradict each other"),
                usage("--always-shutdown sh", Map.of("PROA_NO_SHUTDOWN_ON_FAILURE", "true"),
                        "PROA_NO_SHUTDOWN_ON_FAILURE and --always-shutdown contradict each other"),
                usage("--exit-status sidecars=90 sh", Map.of(), "'sidecars' in 'sidecars=90' is not one of proa's"
                        + " statuses that can be remapped: sidecars-not-ready, proa-failed, not-executable, not-found"),
                usage("--exit-status usage=9 sh", Map.of(), "'usage' in 'usage=9' is not one of proa's statuses that"
                        + " can be remapped"),
                usage("--exit-status sidecars-not-ready sh", Map.of(), "'sidecars-not-ready' is not NAME=STATUS"),
                usage("--exit-status sidecars-not-ready=0 sh", Map.of(), "'0' in 'sidecars-not-ready=0' is not an"
                        + " exit status from 1 to 255"),
                usage("--exit-status proa-failed=256 sh", Map.of(), "'256' in 'proa-failed=256' is not an exit status"),
                usage("--exit-status proa-failed=-1 sh", Map.of(), "'-1' in 'proa-failed=-1' is not an exit status"),
                usage("--exit-status proa-failed=x sh", Map.of(), "'x' in 'proa-failed=x' is not an exit status"),
                usage("--exit-status proa-failed=90,proa-failed=91 sh", Map.of(),
                        "--exit-status gives proa-failed more than once (90 and 91): give it once"),
                usage("sh", Map.of("PROA_EXIT_STATUS", "not-found=3,not-found=4"),
                        "PROA_EXIT_STATUS gives not-found more than once (3 and 4)"),
                usage("sh", Map.of("PROA_EXIT_STATUS", "sidecars-not-ready=1000"), "'1000' in"
                        + " 'sidecars-not-ready=1000' is not an exit status from 1 to 255"),
                usage("--exit-status sidecars-not-ready=90 --exit-status=bogus=1 sh", Map.of(), "'bogus'"),
                usage("-p " + POST, Map.of(), "COMMAND"),
                usage("", Map.of(), "COMMAND"));
    }

    @ParameterizedTest(name = "proa {0} (env {1})")
    @MethodSource("usageErrors")
    void usageErrorExits2AndNamesTheBadValue(String args, Map<String, String> env, String named) {
        Run run = run(args.isEmpty() ? new String[0] : args.split(" "), env);
        assertEquals(ExitStatus.USAGE.code, run.status, run::toString);
        assertTrue(run.err.startsWith("proa: "), run::toString);
        assertTrue(run.err.contains(named), () -> "stderr should name " + named + ": " + run.err);
        assertTrue(run.err.contains("Usage: proa [OPTIONS] [--] COMMAND [ARG...]"), run::toString);
        assertEquals("", run.out, run::toString);
    }

    /**
     * Values that were accepted, then waited on (or silently dropped) forever: malformed hosts, and list options that
     * yield no value. Each is a usage error naming the value. Given as whole arguments (some hold spaces).
     */
    static Stream<Arguments> malformedValues() {
        return Stream.of(
                bad("--wait-tcp", "[::1:80", "'[::1:80' is not HOST:PORT"),
                bad("--wait-tcp", "a b:80", "'a b:80' is not HOST:PORT: 'a b' is not a host name or IP address"),
                bad("--wait-tcp", "::1:80", "'::1:80' is not HOST:PORT"),
                bad("--wait-tcp", "[db]:80", "'[db]:80' is not HOST:PORT: '[db]' is not a host name"),
                bad("--wait-tcp", "[::1]x:80", "'[::1]x:80' is not HOST:PORT"),
                bad("--wait-tcp", "a!b:80", "'a!b' is not a host name or IP address"),
                bad("--wait-tcp", "-db:80", "'-db' is not a host name or IP address"),
                bad("--wait-tcp", "db..local:80", "'db..local' is not a host name or IP address"),
                bad("--wait-tcp", "999.1.1.1:80", "'999.1.1.1' is not a host name or IP address"),
                bad("--wait-tcp", "1.2.3:80", "'1.2.3' is not a host name or IP address"),
                bad("--wait-tcp", "db:0", "'db:0' is not HOST:PORT"),
                bad("--wait-tcp", "db:65536", "'db:65536' is not HOST:PORT"),
                bad("--wait-tcp", "db:99999999999", "'db:99999999999' is not HOST:PORT"),
                bad("--wait-tcp", ":80", "':80' is not HOST:PORT"),
                bad("--wait-http", "http://a b/", "'http://a b/' has a space in it"),
                bad("--wait-http", "http://db/ready http://other/", "has a space in it"),
                bad("--wait-http", "http://db/a b", "'http://db/a b' has a space in it"),
                bad("--wait-http", "http:///ready", "'http:///ready' is not an http:// or https:// URL with a host"),
                bad("--wait-http", "http:/db/ready", "'http:/db/ready' is not an http:// or https:// URL with a host"),
                bad("--wait-http", "http://:8080/", "'http://:8080/' is not an http:// or https:// URL"),
                bad("--wait-http", "http://db:0/", "'http://db:0/' is not an http:// or https:// URL"),
                bad("--wait-http", "http://a!b/", "'http://a!b/' has no valid host: 'a!b'"),
                bad("-g", "http://999.1.1.1/quit", "has no valid host: '999.1.1.1'"),
                bad("-p", "https://-x/quit", "has no valid host: '-x'"),
                bad("-p", ",,,", "--shutdown-http-post got no URL in ',,,'"),
                bad("-p", "http://ops:s3cr3t@a b/", "'http://ops:xxxxx@a b/' has a space in it"),
                bad("-g", "ftp://ops:s3cr3t@host/", "'ftp://ops:xxxxx@host/' is not an http:// or https:// URL"),
                bad("-g", "http://ops:s3cr3t@a!b/", "'http://ops:xxxxx@a!b/' has no valid host"),
                bad("-g", ",", "--shutdown-http-get got no URL in ','"),
                bad("--wait-http", ", ,", "is not an http:// or https:// URL"),
                bad("--wait-tcp", ",,", "--wait-tcp got no HOST:PORT in ',,'"),
                bad("-k", ",", "--kill got no NAME in ','"),
                bad("--wait-for", ",,", "--wait-for got no NAME in ',,'"),
                bad("--ignore", ",", "--ignore got no NAME in ','"),
                bad("--main", ",", "--main got no NAME in ','"));
    }

    @ParameterizedTest(name = "proa {0} ''{1}''")
    @MethodSource("malformedValues")
    void malformedValuesAreUsageErrors(String option, String value, String named) {
        Run run = run(new String[] {option, value, "sh"}, Map.of());
        assertEquals(ExitStatus.USAGE.code, run.status, run::toString);
        assertTrue(run.err.contains(named), () -> "stderr should say " + named + ": " + run.err);
        assertFalse(run.err.contains("s3cr3t"), run::toString);
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @CsvSource(delimiter = '|', value = {
        "PROA_SHUTDOWN_HTTP_POST | ,,,     | PROA_SHUTDOWN_HTTP_POST got no URL in ',,,'",
        "PROA_SHUTDOWN_HTTP_GET  | ' , '   | PROA_SHUTDOWN_HTTP_GET got no URL in ' , '",
        "PROA_KILL               | ,       | PROA_KILL got no NAME in ','",
        "PROA_WAIT_TCP           | a b:80  | 'a b:80' is not HOST:PORT",
        "PROA_WAIT_TCP           | [::1:80 | '[::1:80' is not HOST:PORT",
    })
    void malformedVariablesAreUsageErrors(String variable, String value, String named) {
        Run run = run(new String[] {"sh"}, Map.of(variable, value));
        assertEquals(ExitStatus.USAGE.code, run.status, run::toString);
        assertTrue(run.err.contains(named), () -> "stderr should say " + named + ": " + run.err);
    }

    @ParameterizedTest(name = "--wait-tcp {0}")
    @CsvSource(delimiter = '|', value = {
        "db:5432 | db", "[::1]:80 | ::1", "127.0.0.1:1 | 127.0.0.1", "my_db.jobs.svc.cluster.local.:65535 | my_db.jobs.svc.cluster.local.",
        "DB-1:80 | DB-1", "10.0.0.255:80 | 10.0.0.255", "2db:80 | 2db",
    })
    void wellFormedTargetsAreAccepted(String value, String host) {
        Options options = parse(Map.of(), "--wait-tcp", value, "-p", "http://" + value + "/quit", "sh");
        assertEquals(host, options.waitTcp.getFirst().getHostString());
        assertEquals(1, options.shutdownHttpPost.size());
    }

    private static Arguments bad(String option, String value, String named) {
        return arguments(option, value, named);
    }

    static Stream<Arguments> emptyCommands() {
        return Stream.of(
                arguments((Object) new String[] {""}),
                arguments((Object) new String[] {"   "}),
                arguments((Object) new String[] {"-k", "envoy", ""}),
                arguments((Object) new String[] {"--", "", "arg"}));
    }

    @ParameterizedTest(name = "proa {0}")
    @MethodSource("emptyCommands")
    void emptyCommandIsAUsageError(String[] args) {
        Run run = run(args, Map.of());
        assertEquals(ExitStatus.USAGE.code, run.status, run::toString);
        assertTrue(run.err.contains("COMMAND is empty"), run::toString);
    }

    @ParameterizedTest(name = "proa {0}")
    @CsvSource({"--help", "-h", "-h sh", "-k envoy --help"})
    void helpExits0(String args) {
        Run run = run(args.split(" "), Map.of());
        assertEquals(0, run.status, run::toString);
        assertTrue(run.out.contains("Usage: proa [OPTIONS] [--] COMMAND [ARG...]"), run::toString);
        assertTrue(run.out.contains("--shutdown-http-post=[NAME=]URL[,[NAME=]URL...]") && !run.out.contains("(?="), "lists split"
                + " at commas, as --help says, not at a regular expression: " + run.out);
        for (String option : ENVIRONMENT.keySet()) assertTrue(run.out.contains(option), option);
        for (String variable : ENVIRONMENT.values()) assertTrue(run.out.contains(variable), variable);
        for (ExitStatus.Row row : ExitStatus.table()) {
            assertTrue(run.out.matches("(?s).*\\n  " + java.util.regex.Pattern.quote(row.status()) + " +"
                    + java.util.regex.Pattern.quote(row.key().isEmpty() ? row.meaning().substring(0, 20) : row.key() + ":")
                    + ".*"), () -> "--help lists exit status " + row + ": " + run.out);
        }
        assertEquals("", run.err, run::toString);
    }

    @ParameterizedTest(name = "proa {0}")
    @CsvSource({"-V", "--version"})
    void versionExits0(String flag) {
        Run run = run(new String[] {flag}, Map.of());
        assertEquals(0, run.status, run::toString);
        assertEquals("proa (development build)", run.out.strip());
        assertEquals("", run.err, run::toString);
    }

    // ---- Helpers ----

    private static boolean continues(Options options) {
        return options.onStartupTimeout == dev.proa.config.OnStartupTimeout.CONTINUE;
    }

    private static List<String> getUrls(Options options) {
        return options.shutdownHttpGet.stream().map(t -> t.url().toString()).toList();
    }

    private static List<String> postUrls(Options options) {
        return options.shutdownHttpPost.stream().map(t -> t.url().toString()).toList();
    }

    private static Options parse(Map<String, String> env, String... args) {
        Options options = new Options();
        Options.commandLine(options, env).parseArgs(args);
        options.validate();
        return options;
    }

    private static Arguments option(String args, Function<Options, Object> field, Object expected) {
        return arguments(args, field, expected);
    }

    private static Arguments env(String option, String value, Function<Options, Object> field, Object expected) {
        return arguments(option, ENVIRONMENT.get(option), value, field, expected);
    }

    private static Arguments override(String variable, String value, String args, Function<Options, Object> field,
            Object expected) {
        return arguments(variable, value, args, field, expected);
    }

    private static Arguments usage(String args, Map<String, String> env, String named) {
        return arguments(args, env, named);
    }

    record Run(int status, String out, String err) {}

    /** Runs the entry point with System.out and System.err captured. Only for arguments that stop before the lifecycle. */
    private static synchronized Run run(String[] args, Map<String, String> env) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int status = Proa.run(args, new HashMap<>(env));
            System.out.flush();
            System.err.flush();
            return new Run(status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
