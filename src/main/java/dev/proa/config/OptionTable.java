package dev.proa.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * proa's options, one row each: names, value, environment variable, how a list value splits, description, and the
 * field of {@link Options} it sets. picocli's model is built from these rows with its programmatic API, not from
 * annotations: reading annotations at every start cost about 40 ms (the README's Performance section). The help text
 * and the environment lookup both come from the row's variable.
 */
final class OptionTable {
    private OptionTable() {}

    /** How a list option's value, on the command line or in its variable, is cut into elements. */
    enum Split {
        /** Names and HOST:PORT, which hold no comma: at every comma. */
        COMMAS(","),
        /**
         * URLs, whose query or path may hold a comma: only at a comma followed by {@code http://} or {@code https://}
         * (blanks between allowed), or by nothing but commas and blanks (so {@code ,,,} still gives no value).
         */
        BEFORE_URL(",(?=\\s*(?i:https?)://)|,(?=[\\s,]*$)"),
        /**
         * Shutdown URLs, which may be bound to a sidecar: the same, and at a comma before {@code NAME=http(s)://}. NAME
         * is read loosely here (letters, digits, '_', '.', '-'), so that a malformed one is cut off and named as such,
         * not taken into the URL before it.
         */
        BEFORE_TARGET(",(?=\\s*(?:[\\w.-]+\\s*=\\s*)?(?i:https?)://)|,(?=[\\s,]*$)"),
        /** Phases: at a semicolon (a phase's names are separated by commas). */
        SEMICOLONS(";");

        final String regex;

        Split(String regex) {
            this.regex = regex;
        }
    }

    /** One option. {@code split} is null for a single value; {@code element} is a list's element type. */
    record Row(String[] names, String label, Class<?> type, Class<?> element, CommandLine.ITypeConverter<?> converter,
            Split split, String variable, String description, Supplier<Object> get, Consumer<Object> set) {

        /** picocli's model of it: the description ends with its variable, which is what --help shows. */
        OptionSpec.Builder spec() {
            Binding field = new Binding(get, set);
            OptionSpec.Builder option = OptionSpec.builder(names).type(type)
                    .description(description + " Env: " + variable + ".")
                    .getter(field).setter(field).initialValue(get.get()).hasInitialValue(true);
            if (label != null) option.paramLabel(label);
            if (element != null) option.auxiliaryTypes(element);
            if (split != null) option.splitRegex(split.regex).splitRegexSynopsisLabel(","); // --help: URL[,URL...]
            if (type == boolean.class && label != null) option.arity("0..1").fallbackValue("true"); // --x[=true|false]
            return converter == null ? option : option.converters(converter);
        }
    }

    static final String URL_LIST = " Repeatable; a value holding several splits only at a comma before http:// or"
            + " https://, so a comma inside a URL stays in it.";

    /** Every option, bound to {@code o}'s fields, in the order --help lists them. */
    static List<Row> rows(Options o) {
        return List.of(
                targets(new String[] {"-g", "--shutdown-http-get"}, "PROA_SHUTDOWN_HTTP_GET", () -> o.shutdownHttpGet,
                        v -> o.shutdownHttpGet = Options.list(v),
                        "After COMMAND exits, send an HTTP GET to URL to stop a sidecar."),
                targets(new String[] {"-p", "--shutdown-http-post"}, "PROA_SHUTDOWN_HTTP_POST", () -> o.shutdownHttpPost,
                        v -> o.shutdownHttpPost = Options.list(v), "After COMMAND exits, send an HTTP POST to URL, e.g."
                                + " http://127.0.0.1:15020/quitquitquit for istio-proxy."),
                names(new String[] {"-k", "--kill"}, "PROA_KILL", () -> o.kill, v -> o.kill = Options.list(v),
                        "After COMMAND exits, send SIGTERM to every process whose executable is named NAME."
                                + " Needs shareProcessNamespace: true. Repeatable."),
                flag(new String[] {"-K", "--kill-all"}, "PROA_KILL_ALL", () -> o.killAll, v -> o.killAll = (Boolean) v,
                        "After COMMAND exits, send SIGTERM to every other process proa can see."
                                + " Needs shareProcessNamespace: true. Outside a Pod's PID namespace (proa not PID 1, and"
                                + " PID 1 not the Pod's pause process), -k and -K signal only proa's own descendants."),
                value(new String[] {"--shutdown-auto"}, "true|false", boolean.class, null, "PROA_SHUTDOWN_AUTO",
                        () -> o.shutdownAuto, v -> o.shutdownAuto = (Boolean) v,
                        "With no -g, -p, -k or -K, stop each sidecar proa recognizes (istio-proxy, linkerd-proxy,"
                                + " the Cloud SQL and AlloyDB Auth Proxies, Envoy, Vault Agent) its own way."
                                + " Default: true."),
                new Row(new String[] {"--shutdown-order"}, "NAME[,NAME...]", List.class, String.class, null,
                        Split.SEMICOLONS, "PROA_SHUTDOWN_ORDER", "Stop the sidecars in phases: each occurrence is the"
                                + " next phase, the sidecars named in it stopped together, once the phase before has"
                                + " terminated or had its share of the shutdown timeout (';' separates phases in one"
                                + " value). Sidecars named nowhere are in the first phase, so ';istio-proxy' stops"
                                + " istio-proxy after all the others. Default: the mesh proxies"
                                + " (istio-proxy, linkerd-proxy, Envoy) last, everything else first.",
                        () -> o.shutdownOrder, v -> o.shutdownOrder = Options.list(v)),
                text(new String[] {"--pod-name"}, "NAME", "POD_NAME", () -> o.podName, v -> o.podName = (String) v,
                        "proa's own Pod. Default: $HOSTNAME up to its first '.', else the host name likewise."),
                text(new String[] {"--namespace"}, "NS", "POD_NAMESPACE", () -> o.namespace,
                        v -> o.namespace = (String) v, "The Pod's namespace. Default: the client's configured"
                                + " namespace (the service account's, or the kubeconfig's)."),
                text(new String[] {"--container"}, "NAME", "PROA_CONTAINER", () -> o.container,
                        v -> o.container = (String) v, "proa's own container, which is not a sidecar. Default: the"
                                + " container proa runs in (from its kubelet mounts), else the Pod's first container."),
                names(new String[] {"--wait-for"}, "PROA_WAIT_FOR", () -> o.waitFor, v -> o.waitFor = Options.list(v),
                        "Wait only for these sidecars. Repeatable."),
                names(new String[] {"--ignore"}, "PROA_IGNORE", () -> o.ignore, v -> o.ignore = Options.list(v),
                        "Never wait for these containers. Repeatable."),
                names(new String[] {"--main"}, "PROA_MAIN", () -> o.main, v -> o.main = Options.list(v),
                        "Another main container of the Pod (one that does the Job's work, with a proa of its own):"
                                + " not a sidecar. After COMMAND exits, the proa of the last main container in the Pod's"
                                + " spec waits until every other one has terminated for good (within the shutdown"
                                + " timeout), then stops the sidecars; the others leave it to that one. Give every proa"
                                + " the same list; its own container in it is skipped. Repeatable."),
                value(new String[] {"--startup-timeout"}, "DURATION", Duration.class, new Converters.Durations(),
                        "PROA_STARTUP_TIMEOUT", () -> o.startupTimeout, v -> o.startupTimeout = (Duration) v,
                        "Give up waiting for the sidecars DURATION (250ms, 30s, 5m, 1h or seconds) after proa's"
                                + " process started (its own startup counts). Default: wait forever."),
                value(new String[] {"--on-startup-timeout"}, "fail|continue", OnStartupTimeout.class, null,
                        "PROA_ON_STARTUP_TIMEOUT", () -> o.onStartupTimeout,
                        v -> o.onStartupTimeout = (OnStartupTimeout) v, "On startup timeout, fail (exit "
                                + ExitStatus.SIDECARS_NOT_READY.code + ", " + ExitStatus.SIDECARS_NOT_READY.key
                                + ", without running COMMAND) or continue (run COMMAND anyway). Default: fail."),
                value(new String[] {"--shutdown-timeout"}, "DURATION", Duration.class, new Converters.Durations(),
                        "PROA_SHUTDOWN_TIMEOUT", () -> o.shutdownTimeout, v -> o.shutdownTimeout = (Duration) v,
                        "The longest the whole stop may take, at least 1s: waiting for the other main containers"
                                + " (--main) and stopping the sidecars, together, never exceed it. Default: the Pod's"
                                + " terminationGracePeriodSeconds, else 30s."),
                value(new String[] {"--log-level"}, "LEVEL", LogLevel.class, null, "PROA_LOG_LEVEL",
                        () -> o.logLevel, v -> o.logLevel = (LogLevel) v,
                        "error, warn, info, debug or trace. Default: info."),
                value(new String[] {"--log-format"}, "text|json", LogFormat.class, null, "PROA_LOG_FORMAT",
                        () -> o.logFormat, v -> o.logFormat = (LogFormat) v,
                        "text, or json: one JSON object per line with time, level, message and fields. Default: text."),
                urls(new String[] {"--wait-http"}, "PROA_WAIT_HTTP", () -> o.waitHttp, v -> o.waitHttp = Options.list(v),
                        "Also wait until URL answers 2xx. With only --wait-http and --wait-tcp (no --wait-for), proa"
                                + " does not use the Kubernetes API at all."),
                new Row(new String[] {"--wait-tcp"}, "HOST:PORT", List.class, InetSocketAddress.class,
                        new Converters.Tcp(), Split.COMMAS, "PROA_WAIT_TCP", "Also wait until HOST:PORT accepts a"
                                + " connection. Repeatable.", () -> o.waitTcp, v -> o.waitTcp = Options.list(v)),
                flag(new String[] {"--events"}, "PROA_EVENTS", () -> o.events, v -> o.events = (Boolean) v,
                        "Record Kubernetes Events on the Pod (SidecarsReady, StartupFailed, CommandExited,"
                                + " ShutdownIncomplete); needs create on events."),
                text(new String[] {"--termination-log"}, "PATH", "PROA_TERMINATION_LOG", () -> o.terminationLog,
                        v -> o.terminationLog = (String) v, "Where to write a one-line summary of the run when it"
                                + " exists and is writable. Default: /dev/termination-log."),
                flag(new String[] {"--no-shutdown-on-failure"}, "PROA_NO_SHUTDOWN_ON_FAILURE",
                        () -> o.noShutdownOnFailure, v -> o.noShutdownOnFailure = (Boolean) v,
                        "Leave the sidecars running when the exit status is not 0, whatever the Pod's restart policy"
                                + " (by default they are left only when the kubelet will restart proa's container)."),
                flag(new String[] {"--always-shutdown"}, "PROA_ALWAYS_SHUTDOWN", () -> o.alwaysShutdown,
                        v -> o.alwaysShutdown = (Boolean) v, "Stop the sidecars after COMMAND whatever its status, even"
                                + " when the kubelet will restart proa's container (its restartPolicy or"
                                + " restartPolicyRules), which then finds them stopped."),
                flag(new String[] {"--disabled"}, "PROA_DISABLED", () -> o.disabled, v -> o.disabled = (Boolean) v,
                        "Run COMMAND directly: no waiting, no API, no shutdown; signals and the exit status still"
                                + " pass through."),
                flag(new String[] {"--process-group"}, "PROA_PROCESS_GROUP", () -> o.processGroup,
                        v -> o.processGroup = (Boolean) v, "Send the signals proa forwards to COMMAND's whole process"
                                + " group (as tini -g does), e.g. to each program of sh -c 'a | b'. COMMAND always has"
                                + " a process group of its own."),
                new Row(new String[] {"--exit-status"}, "NAME=STATUS", List.class, ExitStatuses.Remap.class,
                        new Converters.Remap(), Split.COMMAS, "PROA_EXIT_STATUS", "Exit with STATUS (1 to 255) instead"
                                + " of the status of proa's own named NAME (" + ExitStatus.remappableKeys() + "; see"
                                + " Exit Codes below), for an application that uses the same numbers. Repeatable.",
                        () -> o.exitStatus, v -> o.exitStatus = Options.list(v)));
    }

    private static Row value(String[] names, String label, Class<?> type, CommandLine.ITypeConverter<?> converter,
            String variable, Supplier<Object> get, Consumer<Object> set, String description) {
        return new Row(names, label, type, null, converter, null, variable, description, get, set);
    }

    private static Row text(String[] names, String label, String variable, Supplier<Object> get, Consumer<Object> set,
            String description) {
        return value(names, label, String.class, null, variable, get, set, description);
    }

    private static Row flag(String[] names, String variable, Supplier<Object> get, Consumer<Object> set,
            String description) {
        return value(names, null, boolean.class, null, variable, get, set, description);
    }

    private static Row names(String[] names, String variable, Supplier<Object> get, Consumer<Object> set,
            String description) {
        return new Row(names, "NAME", List.class, String.class, null, Split.COMMAS, variable, description, get, set);
    }

    private static Row urls(String[] names, String variable, Supplier<Object> get, Consumer<Object> set,
            String description) {
        return new Row(names, "URL", List.class, HttpUrl.class, new Converters.Urls(), Split.BEFORE_URL, variable,
                description + URL_LIST, get, set);
    }

    /** -g and -p: URL, or NAME=URL for the one sidecar NAME. */
    private static Row targets(String[] names, String variable, Supplier<Object> get, Consumer<Object> set,
            String description) {
        return new Row(names, "[NAME=]URL", List.class, Settings.Target.class, new Converters.Targets(),
                Split.BEFORE_TARGET, variable, description + BOUND + URL_LIST, get, set);
    }

    static final String BOUND = " NAME=URL stops only sidecar NAME, whose recognized way it replaces; a URL alone"
            + " replaces recognition for every sidecar no NAME=URL names.";

    /** A field, as picocli reads and sets an option's value. */
    record Binding(Supplier<Object> read, Consumer<Object> write)
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
}
