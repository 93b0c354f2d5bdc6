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

    /** One target: null when it answers (any answer, or, unless {@code anyAnswer}, a 2xx); else why not. */
    private interface Probe {
        String check(boolean anyAnswer);
    }

    /**
     * {@code http}: proa's HTTP client for a URL, asked for only when an HTTP target is probed (a short timeout is set
     * here).
     */
    public Endpoints(Function<HttpUrl, OkHttpClient> http, List<HttpUrl> urls, List<InetSocketAddress> addresses) {
        this.http = url -> http.apply(url).newBuilder().callTimeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false).followRedirects(false).build();
        for (HttpUrl url : urls) targets.put(Urls.printable(url), anyAnswer -> httpCheck(url, anyAnswer));
        for (InetSocketAddress address : addresses) {
            targets.put("tcp://" + address.getHostString() + ":" + address.getPort(), anyAnswer -> tcpCheck(address));
        }
    }

    /** The targets, named as the logs name them. */
    public List<String> names() {
        return List.copyOf(targets.keySet());
    }

    /** Probes {@code names} all at once; each with null when it answered as asked, else why not. */
    public Map<String, String> check(List<String> names, boolean anyAnswer) throws InterruptedException {
        Map<String, Future<String>> pending = new LinkedHashMap<>();
        try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String name : names) pending.put(name, probes.submit(() -> targets.get(name).check(anyAnswer)));
            Map<String, String> results = new LinkedHashMap<>();
            for (var entry : pending.entrySet()) results.put(entry.getKey(), entry.getValue().get());
            return results;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // a probe returns its failure; it never throws
        }
    }

    private String httpCheck(HttpUrl url, boolean anyAnswer) {
        try (Response response = http.apply(url).newCall(new Request.Builder().url(url).build()).execute()) {
            if (anyAnswer || response.isSuccessful()) return null;
            return "answers " + response.code();
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    private static String tcpCheck(InetSocketAddress target) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.getHostString(), target.getPort()), (int) PROBE_TIMEOUT.toMillis());
            return null;
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }
}
