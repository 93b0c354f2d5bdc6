package dev.proa.kube;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.HttpUrl;

/**
 * Whether the set-up proa was given can reach the API server at all, judged before any client is built: a pure
 * function from the environment fabric8 reads (its variables, and what was found at the files they name) to a verdict.
 * A set-up that can never work (a port that is not a number, a CA file that does not exist, no token in a Pod) fails
 * at once, naming the variable or file, its value (never a token's content) and the fix, instead of as a parser's or
 * the JDK's exception, or as a 401 that sends the operator after RBAC, retried forever.
 */
public final class Setup {
    private Setup() {}

    /** What was found at a path the environment names. */
    public sealed interface FileState {}

    public record Missing() implements FileState {}

    public record Directory() implements FileState {}

    /** Neither a regular file nor a directory: a device, a socket, a pipe. */
    public record NotAFile() implements FileState {}

    /** It exists, but could not be read: {@code why} in words ("permission denied"). */
    public record Unreadable(String why) implements FileState {}

    /**
     * Its bytes as ISO-8859-1 characters (one per byte, so nothing is lost or rejected in decoding); at most
     * {@link #LONGEST_TOKEN} + 1 of them, so a larger file shows as too long.
     */
    public record Readable(String text) implements FileState {}

    /** What the verdict needs: fabric8's settings by variable name, whether a kubeconfig was read, and the files. */
    public record Environment(Map<String, String> variables, boolean kubeconfigRead, Function<Path, FileState> files) {
        String get(String variable) {
            String value = variables.get(variable);
            return value == null || value.isEmpty() ? null : value;
        }
    }

    public sealed interface Verdict {}

    /** Nothing known to be wrong; {@code tokenFile} is the service account token to send, when proa runs in a Pod. */
    public record Usable(Optional<Path> tokenFile) implements Verdict {}

    /** It cannot work: {@code why}, one sentence naming the variable or file and the fix. */
    public record Unusable(String why) implements Verdict {}

    static final String HOST = "KUBERNETES_SERVICE_HOST";
    static final String PORT = "KUBERNETES_SERVICE_PORT";
    static final String MASTER = "KUBERNETES_MASTER";
    static final String TOKEN_FILE = "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN";
    static final Path DEFAULT_TOKEN_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    /**
     * What this verdict looks at, as fabric8 names each: a system property, else the environment variable of the same
     * name in upper case with underscores ({@code kubernetes.master}: KUBERNETES_MASTER).
     */
    public static final List<String> PROPERTIES = List.of(HOST, PORT, "kubernetes.master",
            "kubernetes.auth.serviceAccount.token", "kubernetes.auth.tryServiceAccount", "kubernetes.auth.token",
            "kubernetes.auth.basic.username", "kubernetes.certs.client.file", "kubernetes.certs.client.data",
            "kubernetes.certs.ca.file", "kubernetes.certs.client.key.file", "kubernetes.truststore.file",
            "kubernetes.keystore.file");

    private static final List<String> VARIABLES = PROPERTIES.stream().map(Setup::variableOf).toList();

    /** The files fabric8 reads when a variable names one, and what each should be. */
    private static final Map<String, String> FILES = Map.of(
            "KUBERNETES_CERTS_CA_FILE", "the API server's CA certificate (in a Pod, /var/run/secrets/kubernetes.io/serviceaccount/ca.crt)",
            "KUBERNETES_CERTS_CLIENT_FILE", "a client certificate",
            "KUBERNETES_CERTS_CLIENT_KEY_FILE", "a client certificate's key",
            "KUBERNETES_TRUSTSTORE_FILE", "a trust store",
            "KUBERNETES_KEYSTORE_FILE", "a key store");

    /**
     * The longest token proa sends. A service account's token is about a kilobyte; API servers and the proxies before
     * them reject request headers far smaller than this (Go's default limit is 1 MiB, Vert.x's and nginx's 8 KiB), with
     * a 431 that no retry can change.
     */
    public static final int LONGEST_TOKEN = 64 * 1024;

    /** The longest names the API accepts: a Pod's name is a DNS subdomain, a namespace a DNS label. */
    static final int LONGEST_POD_NAME = 253;
    static final int LONGEST_NAMESPACE = 63;

    public static Verdict judge(Environment env) {
        Optional<String> address = env.kubeconfigRead() ? Optional.empty() : address(env);
        if (address.isPresent()) return new Unusable(address.get());
        for (String variable : VARIABLES) {
            String what = FILES.get(variable);
            if (what == null || env.get(variable) == null) continue;
            Path file = Path.of(env.get(variable));
            Optional<String> wrong = fileProblem(env.files().apply(file));
            if (wrong.isPresent()) {
                return new Unusable(variable + "=" + file + " names " + what + ", but " + wrong.get() + ": set it to"
                        + " that file, or unset it");
            }
        }
        if (!inPod(env)) return new Usable(Optional.empty());
        Path token = env.get(TOKEN_FILE) == null ? DEFAULT_TOKEN_FILE : Path.of(env.get(TOKEN_FILE));
        Optional<String> wrong = tokenProblem(env.files().apply(token));
        if (wrong.isEmpty()) return new Usable(Optional.of(token));
        String fix = env.get(TOKEN_FILE) != null ? TOKEN_FILE + " names it: set that to the token's file, or unset it"
                : "mount the service account token (automountServiceAccountToken must not be false on the Pod or its"
                        + " ServiceAccount), or use only --wait-http/--wait-tcp, which need no API";
        return new Unusable("The service account token file " + token + " " + wrong.get() + " (proa needs the token to"
                + " read its Pod through the API server: " + fix + ")");
    }

    /** An address fabric8 would build from the variables and fail on, said in words. */
    private static Optional<String> address(Environment env) {
        String master = env.get(MASTER);
        if (master != null) {
            String url = master.contains("://") ? master : "https://" + master;
            return HttpUrl.parse(url) == null
                    ? Optional.of(MASTER + "=" + master + " is not the API server's URL (https://HOST:PORT): correct or"
                            + " unset it")
                    : Optional.empty();
        }
        String host = env.get(HOST);
        String port = env.get(PORT);
        if (host == null || port == null) return Optional.empty(); // fabric8 uses neither without the other
        if (!isPort(port)) {
            return Optional.of(PORT + "=" + shown(port) + " is not a port number (1 to 65535): in a Pod the kubelet"
                    + " sets it to the API server's port; correct or unset it");
        }
        String joined = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        if (HttpUrl.parse("https://" + joined + ":" + port + "/") == null) {
            return Optional.of(HOST + "=" + shown(host) + " is not a host name or IP address: in a Pod the kubelet sets"
                    + " it to the API server's address; correct or unset it");
        }
        return Optional.empty();
    }

    private static boolean isPort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) return false;
        int number = Integer.parseInt(port);
        return number >= 1 && number <= 65535;
    }

    /**
     * Whether fabric8 configures itself as in a Pod, from the service account: no kubeconfig was read, the API
     * server's address comes from KUBERNETES_SERVICE_HOST and _PORT, and no other credential is given.
     */
    private static boolean inPod(Environment env) {
        return !env.kubeconfigRead() && env.get(HOST) != null && env.get(PORT) != null && env.get(MASTER) == null
                && !"false".equalsIgnoreCase(env.get("KUBERNETES_AUTH_TRYSERVICEACCOUNT"))
                && env.get("KUBERNETES_AUTH_TOKEN") == null && env.get("KUBERNETES_AUTH_BASIC_USERNAME") == null
                && env.get("KUBERNETES_CERTS_CLIENT_FILE") == null && env.get("KUBERNETES_CERTS_CLIENT_DATA") == null;
    }

    private static Optional<String> fileProblem(FileState state) {
        return switch (state) {
            case Missing m -> Optional.of("it does not exist");
            case Directory d -> Optional.of("it is a directory");
            case NotAFile n -> Optional.of("it is not a regular file");
            case Unreadable u -> Optional.of("it cannot be read (" + u.why() + ")");
            case Readable r -> Optional.empty();
        };
    }

    /** What is wrong with the token file, never saying any of its content; empty when it is usable. */
    public static Optional<String> tokenProblem(FileState state) {
        if (!(state instanceof Readable readable)) {
            return fileProblem(state).map(p -> p.replaceFirst("^it ", ""));
        }
        String token = readable.text().strip();
        if (token.isEmpty()) return Optional.of("is empty");
        if (token.length() > LONGEST_TOKEN) {
            return Optional.of("holds more than " + LONGEST_TOKEN + " bytes, far more than a token (a service account's is"
                    + " about a kilobyte) and more than an API server accepts in a request's headers, so it is not the"
                    + " token as the Secret or projected volume provides it");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return Optional.of("has a character that an HTTP header cannot carry (byte " + (int) c + ", at position "
                        + i + " of " + token.length() + "), so it is not the token as the Secret or projected volume"
                        + " provides it");
            }
        }
        return Optional.empty();
    }

    /**
     * What is wrong with the Pod's name or namespace, said with where each came from: a name longer than any the API
     * accepts would only come back as 414 URI Too Long, on every retry.
     */
    public static Optional<String> namesProblem(Cluster.Sourced name, Cluster.Sourced namespace) {
        if (name.value().length() > LONGEST_POD_NAME) {
            return Optional.of("The Pod name from " + name.source() + " (" + shown(name.value()) + ") is "
                    + name.value().length() + " characters long; a Pod's name has at most " + LONGEST_POD_NAME + ": set"
                    + " POD_NAME from the downward API (fieldRef metadata.name) or pass the right --pod-name");
        }
        if (namespace.value().length() > LONGEST_NAMESPACE) {
            return Optional.of("The namespace from " + namespace.source() + " (" + shown(namespace.value()) + ") is "
                    + namespace.value().length() + " characters long; a namespace's name has at most " + LONGEST_NAMESPACE
                    + ": set POD_NAMESPACE from the downward API (fieldRef metadata.namespace) or pass the right"
                    + " --namespace");
        }
        return Optional.empty();
    }

    /** A value as a log line can show it: its start, when it is long. */
    static String shown(String value) {
        return value.length() <= 60 ? value : value.substring(0, 40) + "...";
    }

    /** The environment variable fabric8 reads for a system property: upper case, dots and dashes as underscores. */
    public static String variableOf(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_");
    }
}
