package dev.proa.kube;

import dev.proa.config.Options;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpLoggingInterceptor;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

    public static Cluster locate(Options options, Map<String, String> env) throws Unreachable {
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
        Sourced name = podName(options, env);
        Sourced namespace = options.namespace != null
                ? new Sourced(options.namespace, options.sourceOf("--namespace"))
                : config.getNamespace() != null ? new Sourced(config.getNamespace(), "the client configuration") : null;
        if (namespace == null) {
            throw new Unreachable("proa does not know its Pod's namespace: set POD_NAMESPACE from the downward API"
                    + " (fieldRef metadata.namespace) or pass --namespace");
        }
        return new Cluster(config, name, namespace);
    }

    /**
     * The client. Its serializer does not look up every resource type fabric8 knows (some 500 classes loaded at
     * every start): proa reads its Pod as a generic resource, which needs none of them.
     */
    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(config)
                .withKubernetesSerialization(new KubernetesSerialization(new ObjectMapper(), false))
                .withHttpClientBuilderConsumer(Cluster::maskCredentials)
                .build();
    }

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

    private static boolean configured(Config config, Map<String, String> env) {
        return config.getCurrentContext() != null // a kubeconfig was read
                || env.containsKey("KUBERNETES_SERVICE_HOST")
                || env.containsKey("KUBERNETES_MASTER")
                || System.getProperty("kubernetes.master") != null;
    }

    private static Sourced podName(Options options, Map<String, String> env) throws Unreachable {
        if (options.podName != null) return new Sourced(options.podName, options.sourceOf("--pod-name"));
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
