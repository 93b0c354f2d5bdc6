package dev.proa.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import dev.proa.config.Urls;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * --wait-http and --wait-tcp: readiness that proa checks itself, with no API access. A target is ready once an HTTP
 * URL answers 2xx, or a TCP address accepts a connection; at the shutdown, a target whose sidecar has stopped does not
 * answer at all. This only probes; what the answers mean is the lifecycle's to decide.
 */
public final class Endpoints {
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final Map<String, Probe> targets = new LinkedHashMap<>();
    private final Function<HttpUrl, OkHttpClient> http;

    /** One target, knocked on once. */
    private interface Probe {
        Answer knock();
    }

    /** What one knock found: an answer (an HTTP status; 0 for a TCP connection accepted), or silence, and why. */
    public sealed interface Answer {
        /** Answered as {@code anyAnswer} asks: any answer at all, or else a 2xx (or an accepted connection). */
        default boolean answers(boolean anyAnswer) {
            return this instanceof Answered a && (anyAnswer || a.status() == 0 || a.status() / 100 == 2);
        }
    }

    public record Answered(int status) implements Answer {}

    public record Silent(String why) implements Answer {}

    /**
     * {@code http}: proa's HTTP client for a URL, asked for only when an HTTP target is probed (a short timeout is set
     * here).
     */
    public Endpoints(Function<HttpUrl, OkHttpClient> http, List<HttpUrl> urls, List<InetSocketAddress> addresses) {
        this.http = url -> http.apply(url).newBuilder().callTimeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false).followRedirects(false).build();
        for (HttpUrl url : urls) targets.put(Urls.printable(url), () -> httpKnock(url));
        for (InetSocketAddress address : addresses) targets.put(name(address), () -> tcpKnock(address));
    }

    /** A TCP target's name, as the logs name it. */
    public static String name(InetSocketAddress address) {
        return "tcp://" + address.getHostString() + ":" + address.getPort();
    }

    /** The targets, named as the logs name them. */
    public List<String> names() {
        return List.copyOf(targets.keySet());
    }

    /** Probes {@code names} all at once; each with null when it answered as asked, else why not. */
    public Map<String, String> check(List<String> names, boolean anyAnswer) throws InterruptedException {
        Map<String, String> results = new LinkedHashMap<>();
        knock(names).forEach((name, answer) -> results.put(name, switch (answer) {
            case Answer a when a.answers(anyAnswer) -> null;
            case Answered a -> "answers " + a.status();
            case Silent silent -> silent.why();
        }));
        return results;
    }

    /** Knocks once on each of {@code names}, all at once: what each answered. */
    public Map<String, Answer> knock(List<String> names) throws InterruptedException {
        Map<String, Future<Answer>> pending = new LinkedHashMap<>();
        try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String name : names) pending.put(name, probes.submit(() -> targets.get(name).knock()));
            Map<String, Answer> results = new LinkedHashMap<>();
            for (var entry : pending.entrySet()) results.put(entry.getKey(), entry.getValue().get());
            return results;
        } catch (ExecutionException e) {
            // A probe returns its failure; it throws only on a defect of proa's own, which the caller says.
            throw e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    private Answer httpKnock(HttpUrl url) {
        try (Response response = http.apply(url).newCall(new Request.Builder().url(url).build()).execute()) {
            return new Answered(response.code());
        } catch (IOException e) {
            return new Silent(NetworkErrors.why(e, PROBE_TIMEOUT));
        }
    }

    private static Answer tcpKnock(InetSocketAddress target) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.getHostString(), target.getPort()), (int) PROBE_TIMEOUT.toMillis());
            return new Answered(0);
        } catch (IOException e) {
            return new Silent(NetworkErrors.why(e, PROBE_TIMEOUT));
        }
    }
}
