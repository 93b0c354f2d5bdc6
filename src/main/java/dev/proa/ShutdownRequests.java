package dev.proa;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;

/**
 * The HTTP GETs and POSTs that ask sidecars to stop. All are sent at once, each on its own thread with its own
 * timeout, so a slow endpoint holds up no other. A refused connection (the sidecar not listening yet, or gone) is
 * retried until the caller says the sidecars have stopped, or the deadline passes.
 */
final class ShutdownRequests {
    /** The longest one request may take; an endpoint that hangs is abandoned after this. */
    static final Duration PER_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LAST_RETRY = Duration.ofSeconds(1);
    private static final RequestBody EMPTY = RequestBody.create(new byte[0], null);

    private final Logger log;
    private final java.util.concurrent.FutureTask<OkHttpClient> http;

    /** Builds the HTTP client in the background (OkHttp's setup takes tens of milliseconds), ready long before use. */
    ShutdownRequests(Logger log) {
        this.log = log;
        // No retries of OkHttp's own: a refused request is retried here, and anything else is not retried.
        this.http = new java.util.concurrent.FutureTask<>(
                () -> new OkHttpClient.Builder().retryOnConnectionFailure(false).followRedirects(false).build());
        Thread.ofVirtual().name("proa-http-setup").start(http);
    }

    private OkHttpClient http() {
        try {
            return http.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** One endpoint and its method. */
    record Endpoint(String method, HttpUrl url) {
        static List<Endpoint> of(Options options) {
            return java.util.stream.Stream.concat(
                    options.shutdownHttpGet.stream().map(u -> new Endpoint("GET", u)),
                    options.shutdownHttpPost.stream().map(u -> new Endpoint("POST", u))).toList();
        }

        @Override
        public String toString() {
            return method + " " + url;
        }
    }

    /**
     * Sends every request at once and returns their threads. {@code done} says when to stop retrying refused
     * connections; {@code finished} is called as each request ends, however it ends.
     */
    List<Thread> sendAll(List<Endpoint> endpoints, long deadlineNanos, BooleanSupplier done, Runnable finished) {
        return endpoints.stream()
                .map(e -> Thread.ofVirtual().name("proa-shutdown " + e).start(() -> {
                    try {
                        send(e, deadlineNanos, done);
                    } finally {
                        finished.run();
                    }
                }))
                .toList();
    }

    private void send(Endpoint endpoint, long deadlineNanos, BooleanSupplier done) {
        Duration retry = FIRST_RETRY;
        boolean refusedBefore = false;
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                log.warn("Shutdown request {} gave up: the shutdown timeout passed{}", endpoint,
                        refusedBefore ? " while its connection was refused" : "");
                return;
            }
            long timeout = Math.min(left, PER_REQUEST_TIMEOUT.toNanos());
            Request request = new Request.Builder().url(endpoint.url())
                    .method(endpoint.method(), endpoint.method().equals("POST") ? EMPTY : null).build();
            long sent = System.nanoTime();
            try (Response response = http().newBuilder().callTimeout(timeout, TimeUnit.NANOSECONDS).build()
                    .newCall(request).execute()) {
                String took = Durations.human(Duration.ofNanos(System.nanoTime() - sent));
                if (response.isSuccessful()) {
                    Logging.with(log.atInfo(), "url", endpoint.url().toString(), "method", endpoint.method(),
                            "status", response.code()).log("Shutdown request {} answered {} in {}", endpoint, response.code(), took);
                } else {
                    Logging.with(log.atWarn(), "url", endpoint.url().toString(), "method", endpoint.method(),
                            "status", response.code()).log("Shutdown request {} answered {} {} in {}: the sidecar may"
                                    + " not have stopped", endpoint, response.code(), response.message(), took);
                }
                return;
            } catch (ConnectException e) {
                if (done.getAsBoolean()) {
                    log.info("Shutdown request {} was refused, and no sidecar is left to wait for: not retrying", endpoint);
                    return;
                }
                if (!refusedBefore) {
                    log.warn("Shutdown request {} was refused ({}); retrying until the sidecars stop or the shutdown"
                            + " timeout passes", endpoint, e.getMessage());
                    refusedBefore = true;
                }
            } catch (java.io.InterruptedIOException e) {
                log.warn("Shutdown request {} got no answer within {}: abandoned", endpoint,
                        Durations.human(Duration.ofNanos(timeout)));
                return;
            } catch (IOException e) {
                log.warn("Shutdown request {} failed: {}. Not retrying", endpoint,
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                return;
            }
            long until = System.nanoTime() + Math.min(retry.toNanos(), Math.max(deadlineNanos - System.nanoTime(), 0));
            while (System.nanoTime() < until && !done.getAsBoolean()) sleep(Math.min(until - System.nanoTime(), 20_000_000));
            retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
        }
    }

    private static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
