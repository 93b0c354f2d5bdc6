package dev.proa.kube;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Objects;
import java.util.Optional;
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
        log.debug("Watching the Pod failed; in full:", error);
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

    /**
     * One line: proa's own words for a failure it classified (an answer that is not the API, an address that does not
     * answer), else the HTTP status and the API server's message, else the failure in words. Never a
     * Java class name or a parser's text: those are at debug ({@link #report}).
     */
    public static String describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ApiAnswers.Failure said) return said.getMessage();
        }
        int code = httpCode(error);
        if (code > 0) {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
                    return "HTTP " + code + ": " + words(k.getStatus().getMessage()).orElse("(its message is at --log-level=debug)");
                }
            }
            return "HTTP " + code;
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException json) {
                return "an answer from the API server could not be read as JSON" + where(json) + ", so it does not look"
                        + " like the Kubernetes API. Check KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (or the"
                        + " kubeconfig's server), and whether a proxy answers in the API server's place";
            }
        }
        return reason(error);
    }

    /**
     * A failure in words, for a sentence of proa's: what is wrong with a file, or the connection, without Java's class
     * names. Written by hand: the JDK's and the libraries' messages name classes, or say nothing without them.
     */
    public static String reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            switch (t) {
                case NoSuchFileException f -> {
                    return "the file " + f.getFile() + " does not exist";
                }
                case AccessDeniedException f -> {
                    return "the file " + f.getFile() + " cannot be read (permission denied)";
                }
                case FileSystemException f -> {
                    return "the file " + f.getFile() + " cannot be read" + words(f.getReason()).map(r -> " (" + r + ")").orElse("");
                }
                case CharacterCodingException c -> {
                    return "it is not UTF-8 text";
                }
                case JsonProcessingException json -> {
                    return "it is not valid YAML or JSON" + where(json);
                }
                case ConnectException c -> {
                    return "the connection was refused";
                }
                case UnknownHostException u -> {
                    return "DNS cannot resolve " + u.getMessage();
                }
                case SocketTimeoutException s -> {
                    return "no answer in time";
                }
                case javax.net.ssl.SSLException s -> {
                    return "TLS with the API server failed: is its certificate signed by the CA proa trusts (the"
                            + " service account's ca.crt, or KUBERNETES_CERTS_CA_FILE)?";
                }
                default -> {}
            }
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        // A defect's message (a null, a bad cast) speaks of the code, not of the set-up: it is for debug only.
        if (root instanceof RuntimeException && !(root instanceof KubernetesClientException)) return UNEXPECTED;
        return words(root.getMessage()).or(() -> words(error.getMessage())).orElse(UNEXPECTED);
    }

    private static final String UNEXPECTED = "an unexpected failure (--log-level=debug shows it in full)";

    /** Where a parser stopped, as a line and column. */
    private static String where(JsonProcessingException json) {
        JsonLocation at = json.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** Java's internals in a message: an exception's class name, a package-qualified name. */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\b\\w+(Exception|Error|Throwable)\\b|\\b(java|javax|sun|jdk|io\\.fabric8|com\\.fasterxml|okhttp3|okio)\\.[a-z]");

    /** A message's first line, when it shows no internals; its final full stop left to the sentence around it. */
    static Optional<String> words(String message) {
        if (message == null || message.isBlank()) return Optional.empty();
        String line = message.strip().lines().findFirst().orElse("").strip();
        if (line.isEmpty() || INTERNALS.matcher(line).find()) return Optional.empty();
        return Optional.of(trimmed(line));
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
