package dev.proa.kube;

import dev.proa.config.Durations;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;

/**
 * What an answer to proa's API requests means, read before fabric8 reads it. Written by hand because neither fabric8
 * nor OkHttp says any of this:
 * <ul>
 * <li>An answer that is not the Kubernetes API's (an HTML page from a proxy, or from whatever a wrong
 * KUBERNETES_SERVICE_HOST points at; a redirect, which is never followed; a 200 whose body is not a Kubernetes object)
 * fails the request as a network failure would, saying so: fabric8 then retries it like any other, instead of failing
 * to read it as a list of Pods and naming a Jackson exception. So does a request that got no answer (refused, plain
 * HTTP on the port, an untrusted certificate, an unknown host), said with the address it went to.</li>
 * <li>A throttled request (429, from API Priority and Fairness) is held for the Retry-After the server gave before
 * fabric8 sees it, so that no retry comes sooner, whoever schedules it: fabric8 7.8.0 reads Retry-After but then
 * retries after its own backoff (100, 200 ms), and its informer's re-list backoff knows nothing of it. The
 * throttling is said once.</li>
 * </ul>
 */
public final class ApiAnswers implements Interceptor {
    /**
     * The longest Retry-After honoured. API Priority and Fairness asks for 1 s; a hold longer than fabric8's request
     * timeout (10 s) would fail the request as timed out, and the informer would then retry sooner than asked.
     */
    static final Duration LONGEST_HOLD = Duration.ofSeconds(5);

    /** The content types the API server answers with: JSON, YAML, protobuf and CBOR, and plain text for some errors. */
    private static final List<String> API_TYPES = List.of("application/json", "application/yaml",
            "application/vnd.kubernetes.protobuf", "application/cbor", "text/plain");

    private final Logger log;
    private final AtomicBoolean throttlingSaid = new AtomicBoolean();

    public ApiAnswers(Logger log) {
        this.log = log;
    }

    /** A request that failed in a way proa has put in words: the message says what, where, and what to check. */
    public static class Failure extends IOException {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The answer was not the Kubernetes API's; the message says what answered, and what to check. */
    public static final class NotTheApi extends Failure {
        NotTheApi(String message) {
            super(message, null);
        }
    }

    /** The largest body read ahead of fabric8 to see that it is a Kubernetes object: one Pod's list is a few KiB. */
    private static final long LONGEST_BODY = 4 * 1024 * 1024;

    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        Response response;
        try {
            response = chain.proceed(request);
        } catch (Failure e) {
            throw e;
        } catch (IOException e) {
            Optional<String> why = unanswered(request.url(), e);
            if (why.isPresent()) throw new Failure(why.get(), e);
            throw e;
        }
        Optional<String> wrong = judge(request, response);
        if (wrong.isPresent()) {
            response.close();
            throw new NotTheApi(wrong.get());
        }
        if (response.code() == 429) hold(request.url(), retryAfter(response.header("Retry-After"), Instant.now()));
        return response;
    }

    /** What is wrong with an answer that cannot be the API server's (or can never succeed): its head, then its body. */
    private static Optional<String> judge(Request request, Response response) throws IOException {
        int code = response.code();
        String type = response.header("Content-Type");
        Optional<String> tooLong = tooLong(request.url(), code);
        if (tooLong.isPresent()) return tooLong;
        if (!looksLikeTheApi(code, type)) {
            return Optional.of(notTheApi(request.url(), code, type, redirect(response.header("Location"))));
        }
        if (code < 200 || code >= 300 || code == 204 || request.method().equals("HEAD")
                || "true".equals(request.url().queryParameter("watch"))) {
            return Optional.empty(); // no body, or a watch's stream, which never ends
        }
        ResponseBody peeked = response.peekBody(LONGEST_BODY);
        if (peeked.contentLength() >= LONGEST_BODY) return Optional.empty(); // too large to judge here: fabric8 will
        return bodyProblem(peeked.bytes()).map(why -> notTheApi(request.url(), code, type, ", but " + why));
    }

    /**
     * Whether an answer can be the API server's: one with a body has one of its content types; a redirect is not one
     * (the API server does not redirect, a login page in front of it does).
     */
    static boolean looksLikeTheApi(int code, String contentType) {
        if (code >= 300 && code < 400) return false;
        if (contentType == null || contentType.isBlank()) return true; // no body to judge (a watch's 101, say)
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return API_TYPES.contains(type);
    }

    /**
     * What is wrong with a successful answer's body, for a client that asked for JSON: the API server's is always a
     * JSON object with its kind and apiVersion (a list, a resource, a Status). Empty when it is one.
     */
    static Optional<String> bodyProblem(byte[] body) {
        if (new String(body, StandardCharsets.ISO_8859_1).isBlank()) return Optional.of("its body is empty");
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_ARRAY) return Optional.of("its body is a JSON array, not an object");
            if (first != JsonToken.START_OBJECT) return Optional.of("its body is a JSON value, not an object");
            boolean kind = false;
            boolean apiVersion = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                boolean named = parser.nextToken() == JsonToken.VALUE_STRING && !parser.getText().isEmpty();
                kind |= named && field.equals("kind");
                apiVersion |= named && field.equals("apiVersion");
                parser.skipChildren();
            }
            if (parser.nextToken() != null) return Optional.of("its body goes on after its JSON object");
            return kind && apiVersion ? Optional.empty()
                    : Optional.of("its body is a JSON object without the kind and apiVersion every Kubernetes object has");
        } catch (IOException e) {
            return Optional.of("its body is not JSON");
        }
    }

    static String notTheApi(HttpUrl url, int code, String contentType) {
        return notTheApi(url, code, contentType, "");
    }

    /** {@code detail}: what else was wrong with the answer, said after its status and content type. */
    static String notTheApi(HttpUrl url, int code, String contentType, String detail) {
        return address(url) + url.encodedPath() + " answered " + code + " with "
                + (contentType == null ? "no content type" : contentType) + detail
                + ", which does not look like the Kubernetes API (it answers JSON). Check KUBERNETES_SERVICE_HOST and"
                + " KUBERNETES_SERVICE_PORT (or the kubeconfig's server), and whether a proxy (HTTPS_PROXY, NO_PROXY)"
                + " answers in the API server's place";
    }

    /** Where a redirect pointed, without its query (a login page's may carry a session): proa never follows one. */
    static String redirect(String location) {
        if (location == null) return "";
        String shown = location.split("[?#]", 2)[0];
        return " (a redirect to " + (shown.length() > 200 ? shown.substring(0, 200) + "..." : shown) + ", not followed)";
    }

    private static String address(HttpUrl url) {
        return url.scheme() + "://" + url.host() + ":" + url.port();
    }

    /**
     * An answer saying the request is too large to be read, which no retry changes: the address or the headers hold
     * something far longer than a real one (the Pod's name, the token).
     */
    static Optional<String> tooLong(HttpUrl url, int code) {
        return switch (code) {
            case 414 -> Optional.of(address(url) + " answered 414 URI Too Long: the request's address, which holds the"
                    + " Pod's name and namespace, is longer than it accepts. Check --pod-name (POD_NAME) and --namespace"
                    + " (POD_NAMESPACE)");
            case 431 -> Optional.of(address(url) + " answered 431 Request Header Fields Too Large: the request's"
                    + " headers, which hold the token, are larger than it accepts. Check the service account token"
                    + " file (KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN), or the kubeconfig's token");
            default -> Optional.empty();
        };
    }

    /**
     * A request that got no answer, in words, with the address it went to: what only the connection can tell of a
     * wrong address (nothing listens, plain HTTP on the port, a certificate from another CA, a name DNS does not know).
     * Empty for the rest (timeouts, a dropped connection), which are said as they come.
     */
    static Optional<String> unanswered(HttpUrl url, IOException error) {
        String at = address(url);
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return Optional.of(at + " refuses connections: nothing listens there (or a firewall rejects them)."
                        + " Check KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (or the kubeconfig's server)");
            }
            if (t instanceof UnknownHostException) {
                return Optional.of("DNS cannot resolve " + url.host() + ", the API server's host in " + at + ". Check"
                        + " KUBERNETES_SERVICE_HOST (or the kubeconfig's server) and the Pod's DNS");
            }
            if (t instanceof SSLException ssl) return Optional.of(tls(at, ssl));
        }
        return Optional.empty();
    }

    /** A TLS failure in words. The JDK tells them apart only by its messages, so those are what is matched here. */
    private static String tls(String at, SSLException error) {
        String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("unrecognized ssl message") || message.contains("plaintext")) {
            return at + " answered plain HTTP to proa's TLS handshake: the API server speaks only HTTPS, so this is"
                    + " another server's port. Check KUBERNETES_SERVICE_PORT (or the kubeconfig's server)";
        }
        if (error instanceof SSLHandshakeException || error instanceof SSLPeerUnverifiedException) {
            return "TLS with the API server failed (" + at + "): is its certificate signed by the CA proa trusts (the"
                    + " service account's ca.crt, or KUBERNETES_CERTS_CA_FILE), and issued for this host name?";
        }
        return "TLS with the API server failed (" + at + "): the connection broke during the handshake. Check that "
                + at + " is the API server (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT)";
    }

    /** Retry-After as seconds, or as an HTTP date; empty when absent or unreadable. */
    static Optional<Duration> retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) return Optional.empty();
        String value = header.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException e) {
            // not seconds: an HTTP date, perhaps
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Waits as the server asked (at most {@link #LONGEST_HOLD}) before fabric8 sees the 429; says it the first time. */
    private void hold(HttpUrl url, Optional<Duration> asked) throws IOException {
        Duration wait = asked.map(a -> a.compareTo(LONGEST_HOLD) > 0 ? LONGEST_HOLD : a).orElse(Duration.ZERO);
        if (throttlingSaid.compareAndSet(false, true)) {
            log.warn("The API server at {}://{}:{} is throttling proa's requests (429 Too Many Requests: it is"
                    + " overloaded, or API Priority and Fairness limits this service account). {}. Said once, not at every retry",
                    url.scheme(), url.host(), url.port(), asked.isPresent()
                            ? "Each retry waits the " + Durations.format(wait) + " it asks for (Retry-After)"
                            : "Retrying with backoff");
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting out the API server's Retry-After");
        }
    }
}
