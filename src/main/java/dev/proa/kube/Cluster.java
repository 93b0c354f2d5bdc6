package dev.proa.kube;

import dev.proa.config.Settings;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpLoggingInterceptor;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where proa's Pod is and how to reach the API server: fabric8's standard auto-configuration (in-cluster service
 * account, KUBECONFIG, its environment variables and system properties), and the Pod's name and namespace, each with
 * where it came from, so a wrong one can be traced.
 */
public final class Cluster {

    /** proa cannot find out which Pod it is in, or how to reach the API server. */
    public static final class Unreachable extends Exception {
        public Unreachable(String message) {
            super(message);
        }
    }

    /** A value and where it came from: a flag, an environment variable, the host name, the client configuration. */
    public record Sourced(String value, String source) {
        @Override
        public String toString() {
            return value + " (from " + source + ")";
        }
    }

    public final Config config;
    public final Sourced podName;
    public final Sourced namespace;

    private Cluster(Config config, Sourced podName, Sourced namespace) {
        this.config = config;
        this.podName = podName;
        this.namespace = namespace;
    }

    /**
     * fabric8 retries a failed request up to 10 times by default (about 19 s) before the informer hears of it; proa
     * keeps it short, so the informer's own retry, which logs what went wrong, takes over soon.
     */
    private static final int REQUEST_RETRIES = 2;

    public static Cluster locate(Settings.Pod pod, Map<String, String> env) throws Unreachable {
        Config config = new ConfigBuilder().build();
        if (env.get("KUBERNETES_REQUEST_RETRY_BACKOFFLIMIT") == null
                && System.getProperty(Config.KUBERNETES_REQUEST_RETRY_BACKOFFLIMIT_SYSTEM_PROPERTY) == null) {
            config.setRequestRetryBackoffLimit(REQUEST_RETRIES);
        }
        if (!configured(config, env)) {
            throw new Unreachable("proa is not running in a Kubernetes Pod and has no kubeconfig: there is no service"
                    + " account token, no KUBERNETES_SERVICE_HOST, no KUBECONFIG or ~/.kube/config, so it cannot watch"
                    + " a Pod");
        }
        useTokenFileTrimmed(config);
        Sourced name = podName(pod, env);
        Sourced namespace = pod.namespace().isPresent()
                ? new Sourced(pod.namespace().get().value(), pod.namespace().get().source())
                : config.getNamespace() != null ? new Sourced(config.getNamespace(), "the client configuration") : null;
        if (namespace == null) {
            throw new Unreachable("proa does not know its Pod's namespace: set POD_NAMESPACE from the downward API"
                    + " (fieldRef metadata.namespace) or pass --namespace");
        }
        return new Cluster(config, name, namespace);
    }

    /**
     * The client. Its serializer does not look up every resource type fabric8 knows (some 500 classes loaded at
     * every start): proa reads its Pod as a generic resource, which needs none of them. Its HTTP client reads each
     * answer's status and headers first ({@link ApiAnswers}): what is not the API, and throttling.
     */
    public KubernetesClient client(Logger log) {
        preferCheapKeyShares();
        ApiAnswers answers = new ApiAnswers(log);
        return new KubernetesClientBuilder().withConfig(config)
                .withKubernetesSerialization(new KubernetesSerialization(new ObjectMapper(), false))
                .withHttpClientFactory(new OkHttpClientFactory() {
                    @Override
                    protected void additionalConfig(OkHttpClient.Builder builder) {
                        builder.addInterceptor(answers);
                    }
                })
                .withHttpClientBuilderConsumer(Cluster::maskCredentials)
                .build();
    }

    /**
     * The JDK's TLS client offers a key share for its first group of each kind: x25519, and by default secp256r1, whose
     * first key costs this JVM about 150 ms of the startup (measured: the README's Performance section). An API server
     * (Go's crypto/tls) takes a group the client sent a share for, to spare a round trip: x25519, or secp384r1 in FIPS
     * mode, which has no x25519. Every group is still offered, so a server that takes only secp256r1 asks for its share
     * in a second round trip. Set only when not given (PROA_JVM_OPTIONS=-Djdk.tls.namedGroups=... overrides it), and
     * before any TLS class reads it.
     */
    static void preferCheapKeyShares() {
        if (System.getProperty(NAMED_GROUPS) == null) System.setProperty(NAMED_GROUPS, KEY_SHARE_ORDER);
    }

    private static final String NAMED_GROUPS = "jdk.tls.namedGroups";

    /** The JDK's default groups, secp384r1 moved before secp256r1. */
    static final String KEY_SHARE_ORDER =
            "x25519,secp384r1,secp256r1,secp521r1,x448,ffdhe2048,ffdhe3072,ffdhe4096,ffdhe6144,ffdhe8192";

    /**
     * fabric8 traces every request's headers (at {@code --log-level=trace}), the service account's token among them:
     * its tracing interceptor is given a logger that masks credentials instead (see {@link Credentials}).
     */
    private static void maskCredentials(HttpClient.Builder builder) {
        Logger tracing = LoggerFactory.getLogger(HttpLoggingInterceptor.class);
        if (tracing.isTraceEnabled()) {
            builder.addOrReplaceInterceptor(TRACING_INTERCEPTOR, new HttpLoggingInterceptor(Credentials.masking(tracing)));
        }
    }

    /** The name under which fabric8's HTTP client builder registers its tracing interceptor. */
    private static final String TRACING_INTERCEPTOR = "HttpLogging";

    /**
     * The service account's token as Go clients read it: surrounding whitespace trimmed (a token file made with
     * {@code echo} ends with a newline, which fabric8 would send in the Authorization header, failing every request),
     * and read again on every use, as the kubelet rotates projected tokens. Only for the token fabric8 read from the
     * service account's file; a token given otherwise is left alone.
     */
    private static void useTokenFileTrimmed(Config config) throws Unreachable {
        if (config.getAutoOAuthToken() == null || config.getOauthToken() != null || config.getCurrentContext() != null) {
            return;
        }
        String path = io.fabric8.kubernetes.client.utils.Utils.getSystemPropertyOrEnvVar(
                Config.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN_FILE_SYSTEM_PROPERTY, Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH);
        Path file = Path.of(path);
        try {
            readToken(file);
        } catch (IllegalStateException e) {
            throw new Unreachable(e.getMessage());
        }
        config.setOauthTokenProvider(() -> readToken(file));
    }

    /** The token in {@code file}, trimmed; an unusable one is described by the file and what is wrong, never its content. */
    static String readToken(Path file) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("The service account token file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (token.isEmpty()) throw new IllegalStateException("The service account token file " + file + " is empty");
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalStateException("The service account token file " + file + " has a character that an"
                        + " HTTP header cannot carry (code " + (int) c + ", at position " + i + " of " + token.length()
                        + "): is it the token itself, as the Secret or projected volume provides it?");
            }
        }
        return token;
    }

    private static boolean configured(Config config, Map<String, String> env) {
        return config.getCurrentContext() != null // a kubeconfig was read
                || env.containsKey("KUBERNETES_SERVICE_HOST")
                || env.containsKey("KUBERNETES_MASTER")
                || System.getProperty("kubernetes.master") != null;
    }

    private static Sourced podName(Settings.Pod pod, Map<String, String> env) throws Unreachable {
        if (pod.name().isPresent()) return new Sourced(pod.name().get().value(), pod.name().get().source());
        String host = env.get("HOSTNAME");
        if (host != null && !host.isBlank()) return new Sourced(firstLabel(host), "$HOSTNAME");
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!kernel.isEmpty()) return new Sourced(firstLabel(kernel), "the host name");
        } catch (IOException e) {
            // fall through
        }
        throw new Unreachable("proa does not know its Pod's name: set POD_NAME from the downward API"
                + " (fieldRef metadata.name) or pass --pod-name");
    }

    private static String firstLabel(String host) {
        int dot = host.indexOf('.');
        return dot < 0 ? host.strip() : host.substring(0, dot).strip();
    }
}
