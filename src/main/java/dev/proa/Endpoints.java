package dev.proa;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;

/**
 * --wait-http and --wait-tcp: readiness that proa checks itself, with no API access. A target is ready once an HTTP
 * URL answers 2xx, or a TCP address accepts a connection. At the shutdown, the same targets tell whether the sidecars
 * have stopped: when nothing answers there any more.
 */
final class Endpoints {
    static final Duration INTERVAL = Duration.ofMillis(200);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final Logger log;
    private final Map<String, Probe> targets = new LinkedHashMap<>();
    private final Map<String, String> notReady = new LinkedHashMap<>(); // target → why, as last probed
    private OkHttpClient http;

    /** One target: says whether it answers at all, and whether that answer means ready. */
    private interface Probe {
        /** null when ready; else why not. {@code anyAnswer}: any HTTP status counts (for the shutdown). */
        String check(boolean anyAnswer);
    }

    Endpoints(Logger log, List<HttpUrl> urls, List<InetSocketAddress> addresses) {
        this.log = log;
        for (HttpUrl url : urls) targets.put(url.toString(), anyAnswer -> httpCheck(url, anyAnswer));
        for (InetSocketAddress address : addresses) {
            targets.put("tcp://" + address.getHostString() + ":" + address.getPort(), anyAnswer -> tcpCheck(address));
        }
        targets.keySet().forEach(t -> notReady.put(t, "not probed yet"));
    }

    boolean isEmpty() {
        return targets.isEmpty();
    }

    /** Probes, at once, every target not ready yet; returns those still not ready, each with why. */
    Map<String, String> probe() throws InterruptedException {
        Map<String, String> results = checkAll(new ArrayList<>(notReady.keySet()), false);
        results.forEach((target, why) -> {
            if (why == null) {
                notReady.remove(target);
                log.info("{} answers: ready{}", target, notReady.isEmpty() ? "" : "; still waiting for " + String.join(", ", notReady.keySet()));
            } else {
                notReady.put(target, why);
            }
        });
        return Map.copyOf(notReady);
    }

    Map<String, String> notReady() {
        return Map.copyOf(notReady);
    }

    /** The targets that still answer at all: their sidecars have not stopped. */
    List<String> stillAnswering() throws InterruptedException {
        List<String> answering = new ArrayList<>();
        checkAll(new ArrayList<>(targets.keySet()), true).forEach((target, why) -> {
            if (why == null) answering.add(target);
        });
        return answering;
    }

    private Map<String, String> checkAll(List<String> names, boolean anyAnswer) throws InterruptedException {
        Map<String, String> results = new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> probes = new ArrayList<>();
        for (String name : names) {
            probes.add(Thread.ofVirtual().name("proa-probe " + name).start(() -> {
                String why = targets.get(name).check(anyAnswer);
                results.put(name, why == null ? "" : why);
            }));
        }
        for (Thread probe : probes) probe.join();
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String name : names) ordered.put(name, results.get(name).isEmpty() ? null : results.get(name));
        return ordered;
    }

    private String httpCheck(HttpUrl url, boolean anyAnswer) {
        try (Response response = client().newCall(new Request.Builder().url(url).build()).execute()) {
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

    private synchronized OkHttpClient client() {
        if (http == null) {
            http = new OkHttpClient.Builder().callTimeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .retryOnConnectionFailure(false).followRedirects(false).build();
        }
        return http;
    }

    static String describe(Map<String, String> notReady) {
        return notReady.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(java.util.stream.Collectors.joining(", "));
    }
}
