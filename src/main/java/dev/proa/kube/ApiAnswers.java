package dev.proa.kube;

import dev.proa.config.Durations;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Response;
import org.slf4j.Logger;

/**
 * What an answer to proa's API requests means, read where only HTTP knows it (its status and headers), before fabric8
 * reads the body. Written by hand because neither fabric8 nor OkHttp says either thing:
 * <ul>
 * <li>An answer that is not the Kubernetes API's (an HTML page from a proxy, or from whatever a wrong
 * KUBERNETES_SERVICE_HOST points at) fails the request as a network failure would, saying so: fabric8 then retries
 * it like any other, instead of failing to read HTML as a list of Pods and naming a Jackson exception.</li>
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

    /** The answer was not the Kubernetes API's; the message says what answered, and what to check. */
    public static final class NotTheApi extends IOException {
        NotTheApi(String message) {
            super(message);
        }
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        String type = response.header("Content-Type");
        if (!looksLikeTheApi(response.code(), type)) {
            response.close();
            throw new NotTheApi(notTheApi(chain.request().url(), response.code(), type));
        }
        if (response.code() == 429) hold(chain.request().url(), retryAfter(response.header("Retry-After"), Instant.now()));
        return response;
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

    static String notTheApi(HttpUrl url, int code, String contentType) {
        String address = url.scheme() + "://" + url.host() + ":" + url.port() + url.encodedPath();
        return address + " answered " + code + " with " + (contentType == null ? "no content type" : contentType)
                + ", which does not look like the Kubernetes API (it answers JSON). Check KUBERNETES_SERVICE_HOST and"
                + " KUBERNETES_SERVICE_PORT (or the kubeconfig's server), and whether a proxy (HTTPS_PROXY, NO_PROXY)"
                + " answers in the API server's place";
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
