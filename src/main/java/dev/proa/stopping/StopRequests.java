package dev.proa.stopping;

import dev.proa.lifecycle.RequestRetry;
import dev.proa.probe.NetworkErrors;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;

/**
 * The HTTP GETs and POSTs that ask sidecars to stop: each attempt on a virtual thread of its own with its own timeout,
 * so a slow endpoint holds up no other. How it went is handed back; whether to try again is
 * {@link RequestRetry}'s to decide.
 */
public final class StopRequests {
    private static final RequestBody EMPTY = RequestBody.create(new byte[0], null);
    /** Enough of a failed answer's body to say why (Linkerd's "shutdown endpoint is not enabled"). */
    private static final long BODY_KEPT = 512;

    private final Logger log;
    private final Function<HttpUrl, OkHttpClient> http;

    /**
     * {@code http}: proa's HTTP client for a URL, built ahead; OkHttp's own retries are off, as a refused request is
     * proa's to retry.
     */
    public StopRequests(Logger log, Function<HttpUrl, OkHttpClient> http) {
        this.log = log;
        this.http = http;
    }

    /**
     * Sends one attempt of {@code request} in the background; {@code done} hears how it went, always (the shutdown
     * waits for it): a defect of proa's own is a failed attempt. On a platform thread: the first virtual thread of a
     * run starts their scheduler, which cost the first request about 3 ms after COMMAND's exit (measured, a COMMAND
     * that exits at once); a stop sends a request or two per sidecar.
     */
    public void send(RequestRetry.State request, Duration timeout, Consumer<RequestRetry.Result> done) {
        Thread.ofPlatform().daemon().name("proa-shutdown " + request).start(() -> {
            RequestRetry.Result result;
            try {
                result = attempt(request, timeout);
            } catch (RuntimeException e) {
                log.debug("Shutdown request {} failed", request, e);
                String message = e.getMessage() == null ? "" : e.getMessage().strip().replaceAll("\\s+", " ");
                result = new RequestRetry.Failed("proa could not send it, on an error of its own"
                        + (message.isEmpty() ? "" : " (" + message + ")") + "; the details at --log-level=debug");
            }
            done.accept(result);
        });
    }

    private RequestRetry.Result attempt(RequestRetry.State request, Duration timeout) {
        HttpUrl url = HttpUrl.get(request.url());
        Request call = new Request.Builder().url(url)
                .method(request.method(), request.method().equals("POST") ? EMPTY : null).build();
        long sent = System.nanoTime();
        try (Response response = http.apply(url).newBuilder().retryOnConnectionFailure(false).followRedirects(false).callTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).build()
                .newCall(call).execute()) {
            Duration took = Duration.ofNanos(System.nanoTime() - sent);
            String body = response.isSuccessful() ? "" : response.peekBody(BODY_KEPT).string();
            return new RequestRetry.Answered(response.code(), response.message(), took, body);
        } catch (ConnectException e) {
            return new RequestRetry.Refused(e.getMessage());
        } catch (InterruptedIOException e) {
            return new RequestRetry.NoAnswer(timeout);
        } catch (IOException e) {
            return new RequestRetry.Failed(NetworkErrors.why(e, timeout));
        }
    }
}
