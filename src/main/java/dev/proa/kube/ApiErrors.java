package dev.proa.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * Failures talking to the API server while watching the Pod. fabric8 retries them with capped exponential backoff;
 * this says what went wrong once per distinct error (not once per retry) and, for a denial, how to fix it.
 */
public final class ApiErrors {
    private static final Pattern USER = Pattern.compile("User \"system:serviceaccount:([^:\"]+):([^\"]+)\"");
    private static final Pattern VERB = Pattern.compile("cannot (\\w+) resource");
    private static final long MAX_JITTER_MS = 500;

    private final Logger log;
    private final String namespace;
    private String last;

    public ApiErrors(Logger log, String namespace) {
        this.log = log;
        this.namespace = namespace;
    }

    /** Called for each failed list or watch, just before fabric8 schedules the retry. */
    public void report(Throwable error) {
        if (httpCode(error) == 410) {
            log.debug("The watch on the Pod expired (410 Gone); listing it again");
            return;
        }
        String description = describe(error);
        if (httpCode(error) == 429) {
            log.debug("Watching the Pod was throttled: {}; retrying", description); // ApiAnswers said it, once
        } else if (!Objects.equals(description, last)) {
            last = description;
            if (isDenied(error)) {
                log.error("The API server denied proa access to its Pod: {}. proa needs get, list and watch on pods in"
                        + " namespace {}; it keeps retrying, so applying this fixes it without a restart:\n{}",
                        description, namespace, rbacFix(error));
            } else {
                log.warn("Watching the Pod failed: {}. Retrying with backoff", description);
            }
        }
        // fabric8's backoff has no jitter: add some, so that many Pods that lost the API server together do not
        // come back all at once. This runs on the informer's own thread, just before it schedules the retry.
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(MAX_JITTER_MS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static boolean isDenied(Throwable error) {
        int code = httpCode(error);
        return code == 401 || code == 403;
    }

    public static int httpCode(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) return k.getCode();
        }
        return 0;
    }

    /** One line: the HTTP status and the API server's message, or the network failure at the bottom. */
    public static String describe(Throwable error) {
        int code = httpCode(error);
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (code > 0) {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
                    return "HTTP " + code + ": " + k.getStatus().getMessage();
                }
            }
            return "HTTP " + code + ": " + root.getMessage();
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ApiAnswers.NotTheApi notTheApi) return notTheApi.getMessage();
        }
        String message = root.getMessage() == null ? "" : ": " + trimmed(root.getMessage());
        String failure = root.getClass().getSimpleName() + message;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS with the API server failed (" + failure + "): is its certificate signed by the CA proa"
                        + " trusts (the service account's ca.crt, or KUBERNETES_CERTS_CA_FILE)?";
            }
            if (t instanceof java.net.UnknownHostException) return "DNS cannot resolve the API server (" + failure + ")";
        }
        return failure;
    }

    private static String trimmed(String message) {
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    /**
     * The Role and RoleBinding that grant what proa needs in {@code namespace} (with {@code events}, creating Events
     * too) to service account {@code account} of {@code accountNamespace}.
     */
    public static String role(String namespace, String account, String accountNamespace, boolean events) {
        String eventsRule = events ? "\n  - apiGroups: [\"\"]\n    resources: [\"events\"]\n    verbs: [\"create\"]" : "";
        return """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata:
                  name: proa
                  namespace: %1$s
                rules:
                  - apiGroups: [""]
                    resources: ["pods"]
                    verbs: ["get", "list", "watch"]%4$s
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: proa
                  namespace: %1$s
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: Role
                  name: proa
                subjects:
                  - kind: ServiceAccount
                    name: %2$s
                    namespace: %3$s""".formatted(namespace, account, accountNamespace, eventsRule);
    }

    /** The Role and RoleBinding that grant what proa needs, for the service account the API server named. */
    public String rbacFix(Throwable error) {
        String saNamespace = namespace;
        String account = "<the Pod's serviceAccountName>";
        String message = describe(error);
        Matcher user = USER.matcher(message);
        if (user.find()) {
            saNamespace = user.group(1);
            account = user.group(2);
        }
        Matcher verb = VERB.matcher(message);
        String denied = verb.find() ? "# denied: " + verb.group(1) + " pods in namespace " + namespace + "\n" : "";
        return denied + role(namespace, account, saNamespace, false);
    }
}
