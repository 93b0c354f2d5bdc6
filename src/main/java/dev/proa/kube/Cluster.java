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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
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
        Config config = autoConfigured(env);
        if (env.get("KUBERNETES_REQUEST_RETRY_BACKOFFLIMIT") == null
                && System.getProperty(Config.KUBERNETES_REQUEST_RETRY_BACKOFFLIMIT_SYSTEM_PROPERTY) == null) {
            config.setRequestRetryBackoffLimit(REQUEST_RETRIES);
        }
        if (!configured(config, env)) {
            throw new Unreachable("proa is not running in a Kubernetes Pod and has no kubeconfig: there is no service"
                    + " account token, no KUBERNETES_SERVICE_HOST, no KUBECONFIG or ~/.kube/config, so it cannot watch"
                    + " a Pod");
        }
        Setup.Verdict verdict = Setup.judge(new Setup.Environment(settings(env), config.getCurrentContext() != null,
                Cluster::observe));
        if (verdict instanceof Setup.Unusable unusable) throw new Unreachable(unusable.why());
        ((Setup.Usable) verdict).tokenFile().ifPresent(file -> useTokenFile(config, file));
        CaAlone.trust(config);
        Sourced name = podName(pod, env);
        Sourced namespace = pod.namespace().isPresent()
                ? new Sourced(pod.namespace().get().value(), pod.namespace().get().source())
                : config.getNamespace() != null ? new Sourced(config.getNamespace(), "the client configuration") : null;
        if (namespace == null) {
            throw new Unreachable("proa does not know its Pod's namespace: set POD_NAMESPACE from the downward API"
                    + " (fieldRef metadata.namespace) or pass --namespace");
        }
        Optional<String> names = Setup.namesProblem(name, namespace);
        if (names.isPresent()) throw new Unreachable(names.get());
        return new Cluster(config, name, namespace);
    }

    /**
     * fabric8's auto-configuration, which reads the kubeconfig: one it cannot parse is named, with what is wrong with
     * it in words (the parser's own text is at debug).
     */
    private static Config autoConfigured(Map<String, String> env) throws Unreachable {
        try {
            return new ConfigBuilder().build();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger("proa").debug("fabric8's configuration failed", e);
            String files = kubeconfigFiles(env);
            throw new Unreachable("The kubeconfig " + files + " cannot be used: " + ApiErrors.reason(e)
                    + ". Correct it, or point KUBECONFIG at a working one (or, in a Pod, at none)");
        }
    }

    /** The kubeconfig files fabric8 reads, as it finds them, and where that came from. */
    private static String kubeconfigFiles(Map<String, String> env) {
        String given = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE, env.get("KUBECONFIG"));
        if (given != null && !given.isEmpty()) return given + " (from KUBECONFIG)";
        return Path.of(System.getProperty("user.home"), ".kube", "config").toString();
    }

    /** fabric8's settings the {@link Setup} verdict looks at, each as fabric8 reads it: a system property, else the environment. */
    private static Map<String, String> settings(Map<String, String> env) {
        Map<String, String> settings = new HashMap<>();
        for (String property : Setup.PROPERTIES) {
            String value = System.getProperty(property, env.get(Setup.variableOf(property)));
            if (value != null) settings.put(Setup.variableOf(property), value);
        }
        return settings;
    }

    /** What is at {@code file}: a token's worth of its bytes at most, so that a huge file shows as too long. */
    static Setup.FileState observe(Path file) {
        if (Files.isDirectory(file)) return new Setup.Directory();
        if (!Files.exists(file)) return new Setup.Missing();
        if (!Files.isRegularFile(file)) return new Setup.NotAFile();
        try (InputStream in = Files.newInputStream(file)) {
            return new Setup.Readable(new String(in.readNBytes(Setup.LONGEST_TOKEN + 1), StandardCharsets.ISO_8859_1));
        } catch (AccessDeniedException e) {
            return new Setup.Unreadable("permission denied");
        } catch (IOException e) {
            return new Setup.Unreadable(ApiErrors.reason(e));
        }
    }

    /**
     * The client (one per Cluster, built on first use). Its serializer does not look up every resource type fabric8
     * knows (some 500 classes loaded at every start): proa reads its Pod as a generic resource, which needs none of
     * them. Its HTTP client is {@link #httpClient}'s kind.
     */
    public synchronized KubernetesClient client(Logger log) {
        if (client == null) {
            client = new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(SERIALIZATION)
                    .withHttpClientFactory(factory(log)).withHttpClientBuilderConsumer(Cluster::maskCredentials)
                    .build();
        }
        return client;
    }

    private KubernetesClient client;

    /** How proa reads the API server's JSON: as fabric8 does, with no lookup of resource types. */
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization(new ObjectMapper(), false);

    /**
     * A bare HTTP client to the API server, configured from {@link #config} as the client's is (TLS, the token, the
     * timeouts), without a KubernetesClient: for {@link FirstRead}.
     */
    HttpClient httpClient(Logger log) {
        HttpClient.Builder builder = factory(log).newBuilder(config);
        maskCredentials(builder);
        return builder.build();
    }

    /**
     * fabric8's OkHttp client, which reads each answer's status and headers first ({@link ApiAnswers}): what is not
     * the API, and throttling. One {@link ApiAnswers} for every client of this Cluster, so throttling is said once.
     */
    private synchronized OkHttpClientFactory factory(Logger log) {
        preferCheapKeyShares();
        if (answers == null) answers = new ApiAnswers(log);
        ApiAnswers shared = answers;
        return new OkHttpClientFactory() {
            @Override
            protected void additionalConfig(OkHttpClient.Builder builder) {
                // The API server never redirects; whatever does (a login page, a wrong address) is not it, and
                // a redirect followed could take the request, and its token, elsewhere. ApiAnswers names it.
                // fabric8 always asks OkHttp to follow them: this runs after that, and wins.
                builder.followRedirects(false).followSslRedirects(false).addInterceptor(shared);
            }
        };
    }

    private ApiAnswers answers;

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
     * and read again on every use, as the kubelet rotates projected tokens. fabric8 reads the file itself only once, and
     * goes on without a token when it cannot (logging "Ignoring."): the API server then answers 401, which looks like
     * missing RBAC.
     */
    private static void useTokenFile(Config config, Path file) {
        config.setAutoOAuthToken(null);
        config.setOauthTokenProvider(new TokenFile(file, LoggerFactory.getLogger("proa"))::read);
    }

    /**
     * The token file, read on every use. One that went bad since the start (a rotation gone wrong) is said once, at
     * warn, and the last good token is sent meanwhile, as Go clients do: fabric8 calls this on its own threads, where
     * an exception would end its informer, and proa with it waiting forever.
     */
    static final class TokenFile {
        private final Path file;
        private final Logger log;
        private String last;
        private String said;

        TokenFile(Path file, Logger log) {
            this.file = file;
            this.log = log;
        }

        synchronized String read() {
            Setup.FileState state = observe(file);
            Optional<String> wrong = Setup.tokenProblem(state);
            if (wrong.isEmpty()) {
                said = null;
                last = ((Setup.Readable) state).text().strip();
            } else if (!wrong.get().equals(said)) {
                said = wrong.get();
                log.warn("The service account token file {} {}: sending the token read from it before, until it is"
                        + " usable again", file, wrong.get());
            }
            return last;
        }
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
