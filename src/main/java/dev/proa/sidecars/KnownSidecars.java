package dev.proa.sidecars;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sidecars proa knows how to stop, as one table of facts taken from each one's own documentation: how to tell it
 * from the Pod spec, which request stops it, where its port is, what must be enabled for that request to exist, and
 * what makes it exit 0. Adding a sidecar is one entry here and one row in {@code KnownSidecarsTest}. Pure functions of
 * one container and its Pod's annotations.
 */
public final class KnownSidecars {

    /** Where a setting shows in the Pod spec. */
    public sealed interface From {
        String describe();
    }

    /** An annotation of the Pod (injectors keep theirs there). */
    public record Annotation(String key) implements From {
        public String describe() {
            return "the Pod annotation " + key;
        }
    }

    /**
     * A command-line flag of the container ({@code --name=VALUE}, or {@code --name VALUE} unless {@code bool}); a
     * boolean flag given bare is "true", as Go's flag packages read it.
     */
    public record Flag(String name, boolean bool) implements From {
        public String describe() {
            return "the flag " + name;
        }
    }

    /** A literal value of an environment variable of the container ({@code HOST:PORT} gives its port). */
    public record Env(String name) implements From {
        public String describe() {
            return "the environment variable " + name;
        }
    }

    /** A port of the container with this name. */
    public record NamedPort(String name) implements From {
        public String describe() {
            return "the container port named " + name;
        }
    }

    /**
     * What proa knows of one sidecar. {@code names}: the container names its injector or documentation gives it;
     * {@code images}: its image repositories (matched at the end of the image's name, without tag or digest);
     * {@code port}: where its port is set, first found wins, else {@code defaultPort} (0: no default);
     * {@code enabledBy}: where the request's endpoint is switched on (empty: always there); {@code enable}: how to
     * switch it on, or to tell proa the port; {@code exitZero}: how to make it exit 0 when stopped, if it can;
     * {@code notEnabledAnswer}: what it answers (in a 404's body) when the endpoint is off; {@code source}: where
     * these facts come from; {@code mesh}: a mesh proxy, which the other sidecars' last traffic goes through, so it
     * is stopped in the last phase by default.
     */
    public record Known(String what, List<String> names, List<String> images, String method, String path,
            List<From> port, int defaultPort, List<From> enabledBy, String enable, String exitZero,
            String notEnabledAnswer, String source, boolean mesh) {}

    private static final boolean MESH = true;
    private static final boolean NOT_MESH = false;

    /** The table. The first entry that matches a container is the one it is recognized as. */
    public static final List<Known> TABLE = List.of(
            // https://istio.io/latest/docs/ops/deployment/application-requirements/ (port 15020, pilot-agent);
            // https://github.com/istio/istio/pull/15123 (/quitquitquit: POST only, else 405);
            // https://github.com/istio/istio/issues/18505 (status.sidecar.istio.io/port: "0": nothing listens there)
            new Known("Istio's pilot-agent", List.of("istio-proxy"), List.of("proxyv2"), "POST", "/quitquitquit",
                    List.of(new Annotation("status.sidecar.istio.io/port")), 15020, List.of(),
                    "let pilot-agent keep its status port (the annotation status.sidecar.istio.io/port: \"0\" turns it"
                            + " off), or inject istio-proxy as a native sidecar (Istio's ENABLE_NATIVE_SIDECARS)",
                    null, null, "https://github.com/istio/istio/pull/15123", MESH),
            // https://github.com/linkerd/linkerd2-proxy/pull/811 (POST /shutdown on the admin server, 4191, loopback);
            // https://github.com/linkerd/linkerd2-proxy/pull/3014 (LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED, off by
            // default; 404 "shutdown endpoint is not enabled" otherwise); https://github.com/linkerd/linkerd2/pull/12705
            // (the annotation); https://github.com/linkerd/linkerd2/issues/12951 (Helm: proxy.enableShutdownEndpoint)
            new Known("Linkerd's proxy", List.of("linkerd-proxy"), List.of("linkerd/proxy"), "POST", "/shutdown",
                    List.of(new Env("LINKERD2_PROXY_ADMIN_LISTEN_ADDR"), new Annotation("config.linkerd.io/admin-port")),
                    4191,
                    List.of(new Env("LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED"),
                            new Annotation("config.alpha.linkerd.io/proxy-enable-shutdown-endpoint")),
                    "set the Pod annotation config.alpha.linkerd.io/proxy-enable-shutdown-endpoint: \"true\" (or the Helm"
                            + " value proxy.enableShutdownEndpoint=true), or run the proxy as a native sidecar"
                            + " (config.beta.linkerd.io/proxy-enable-native-sidecar: \"true\")",
                    null, "shutdown endpoint is not enabled", "https://github.com/linkerd/linkerd2-proxy/pull/3014", MESH),
            // https://github.com/GoogleCloudPlatform/cloud-sql-proxy (cmd/root.go: --quitquitquit, --admin-port 9091,
            // --exit-zero-on-sigterm; every flag also as CSQL_PROXY_<FLAG>)
            new Known("the Cloud SQL Auth Proxy", List.of("cloud-sql-proxy", "cloudsql-proxy"),
                    List.of("cloud-sql-connectors/cloud-sql-proxy"), "POST", "/quitquitquit",
                    List.of(new Flag("--admin-port", false), new Env("CSQL_PROXY_ADMIN_PORT")), 9091,
                    List.of(new Flag("--quitquitquit", true), new Env("CSQL_PROXY_QUITQUITQUIT")),
                    "start the proxy with --quitquitquit (its admin server, port 9091 unless --admin-port)",
                    "start the proxy with --exit-zero-on-sigterm", null,
                    "https://github.com/GoogleCloudPlatform/cloud-sql-proxy", NOT_MESH),
            // https://github.com/GoogleCloudPlatform/alloydb-auth-proxy (the same flags; ALLOYDB_PROXY_<FLAG>)
            new Known("the AlloyDB Auth Proxy", List.of("alloydb-auth-proxy", "alloydb-proxy"),
                    List.of("alloydb-connectors/alloydb-auth-proxy"), "POST", "/quitquitquit",
                    List.of(new Flag("--admin-port", false), new Env("ALLOYDB_PROXY_ADMIN_PORT")), 9091,
                    List.of(new Flag("--quitquitquit", true), new Env("ALLOYDB_PROXY_QUITQUITQUIT")),
                    "start the proxy with --quitquitquit (its admin server, port 9091 unless --admin-port)",
                    "start the proxy with --exit-zero-on-sigterm", null,
                    "https://github.com/GoogleCloudPlatform/alloydb-auth-proxy", NOT_MESH),
            // https://www.envoyproxy.io/docs/envoy/latest/operations/admin (POST /quitquitquit on the admin listener,
            // whose port is in the bootstrap configuration, not on the command line: proa cannot read it)
            new Known("Envoy", List.of("envoy"), List.of("envoyproxy/envoy", "envoyproxy/envoy-distroless"), "POST",
                    "/quitquitquit", List.of(new NamedPort("admin")), 0, List.of(),
                    "name Envoy's admin port in the container's ports (name: admin), or give"
                            + " --shutdown-http-post=http://127.0.0.1:ADMIN_PORT/quitquitquit",
                    null, null, "https://www.envoyproxy.io/docs/envoy/latest/operations/admin", MESH),
            // https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent (POST /agent/v1/quit, off unless a
            // listener's agent_api { enable_quit = true }); https://github.com/hashicorp/vault-k8s (the injector's
            // vault-agent container, vault.hashicorp.com/agent-enable-quit, agent-cache-listener-port 8200). Recognized
            // only as the injector writes it: its configuration is otherwise not in the Pod spec.
            new Known("Vault Agent", List.of("vault-agent"), List.of(), "POST", "/agent/v1/quit",
                    List.of(new Annotation("vault.hashicorp.com/agent-cache-listener-port")), 8200,
                    List.of(new Annotation("vault.hashicorp.com/agent-enable-quit")),
                    "set the Pod annotation vault.hashicorp.com/agent-enable-quit: \"true\", or"
                            + " vault.hashicorp.com/agent-pre-populate-only: \"true\" for no sidecar at all",
                    null, null, "https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent", NOT_MESH));

    /** How a recognized sidecar is stopped: a request, or why there is none and what fixes that. */
    public sealed interface Stop {
        Known known();
    }

    /** {@code why}: where the port came from. */
    public record Call(Known known, String method, String url, String why) implements Stop {}

    public record CannotCall(Known known, String why, String fix) implements Stop {}

    private KnownSidecars() {}

    /** What {@code container} is recognized as, if anything. */
    public static Optional<Known> recognize(Container container) {
        String repository = repository(container.getImage());
        return TABLE.stream()
                .filter(k -> k.names().contains(container.getName())
                        || k.images().stream().anyMatch(i -> repository.equals(i) || repository.endsWith("/" + i)))
                .findFirst();
    }

    /** How {@code known}, as this container of a Pod with these annotations, is stopped. */
    public static Stop stop(Known known, Container container, Map<String, String> annotations) {
        if (!known.enabledBy().isEmpty()) {
            Found enabled = first(known.enabledBy(), container, annotations);
            if (enabled == null || !(enabled.value().equalsIgnoreCase("true") || enabled.value().equalsIgnoreCase("enabled"))) {
                return new CannotCall(known, "its " + known.path() + " endpoint is not enabled ("
                        + (enabled == null ? "none of " + describe(known.enabledBy()) + " is set"
                                : enabled.from().describe() + " is " + enabled.value()) + ")", known.enable());
            }
        }
        Found port = first(known.port(), container, annotations);
        if (port == null && known.defaultPort() == 0) {
            return new CannotCall(known, "its port is not in the Pod spec", known.enable());
        }
        String text = port == null ? Integer.toString(known.defaultPort())
                : port.value().substring(port.value().lastIndexOf(':') + 1).strip();
        int number;
        try {
            number = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return new CannotCall(known, port.from().describe() + " is '" + port.value() + "', not a port", known.enable());
        }
        if (number == 0) {
            return new CannotCall(known, port.from().describe() + " is 0: nothing serves " + known.path(), known.enable());
        }
        if (number < 0 || number > 65535) {
            return new CannotCall(known, port.from().describe() + " is " + number + ", not a port", known.enable());
        }
        String why = port == null ? "its default port " + number : "port " + number + " from " + port.from().describe();
        return new Call(known, known.method(), "http://127.0.0.1:" + number + known.path(), why);
    }

    /** Where a known sidecar's port is set, for messages: "the flag --admin-port (default 9091)". */
    public static String portSources(Known known) {
        String sources = describe(known.port());
        return known.defaultPort() == 0 ? sources : sources + " (default " + known.defaultPort() + ")";
    }

    private record Found(From from, String value) {}

    private static Found first(List<From> sources, Container container, Map<String, String> annotations) {
        for (From from : sources) {
            String value = read(from, container, annotations);
            if (value != null && !value.isBlank()) return new Found(from, value.strip());
        }
        return null;
    }

    static String read(From from, Container container, Map<String, String> annotations) {
        return switch (from) {
            case Annotation a -> annotations.get(a.key());
            case Env e -> container.getEnv().stream().filter(v -> e.name().equals(v.getName()))
                    .map(EnvVar::getValue).filter(v -> v != null).findFirst().orElse(null);
            case NamedPort p -> container.getPorts().stream().filter(q -> p.name().equals(q.getName()))
                    .filter(q -> q.getContainerPort() != null)
                    .map(q -> Integer.toString(q.getContainerPort())).findFirst().orElse(null);
            case Flag f -> flag(f, words(container));
        };
    }

    /** The value of a flag in the container's command and args, the last one given winning, as Go's flags do. */
    private static String flag(Flag flag, List<String> words) {
        String value = null;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.startsWith(flag.name() + "=")) {
                value = word.substring(flag.name().length() + 1);
            } else if (word.equals(flag.name())) {
                value = flag.bool() ? "true" : i + 1 < words.size() ? words.get(i + 1) : null;
            }
        }
        return value;
    }

    /** The command and args, split at white space too: a shell's {@code -c} script holds its flags in one argument. */
    private static List<String> words(Container container) {
        List<String> words = new ArrayList<>();
        for (List<String> part : List.of(container.getCommand(), container.getArgs())) {
            for (String argument : part) {
                if (argument != null) words.addAll(Arrays.stream(argument.strip().split("\\s+")).toList());
            }
        }
        return words;
    }

    private static String describe(List<From> sources) {
        return String.join(" or ", sources.stream().map(From::describe).toList());
    }

    /** An image's repository: without its digest or tag ("docker.io/istio/proxyv2:1.24.0" → "docker.io/istio/proxyv2"). */
    private static String repository(String image) {
        if (image == null) return "";
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }
}
