package dev.proa;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The kubelet's part in the end-to-end tests: probes each sidecar process's readiness endpoint and writes what it finds
 * into the Pod's status on the mock API server, the moment it changes. Remembers when it last wrote "ready".
 */
final class FakeKubelet implements AutoCloseable {
    /** A container's process, and the port of its readiness probe: 0 for none (a main container), ready while it runs. */
    record Sidecar(Process process, int port) {}

    private final MockCluster cluster;
    private final String pod;
    private final Map<String, Sidecar> sidecars;
    private final Map<String, String> written = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final Thread thread;
    private volatile Instant lastReady;
    private volatile boolean closed;

    FakeKubelet(MockCluster cluster, String pod, Map<String, Sidecar> sidecars) {
        this.cluster = cluster;
        this.pod = pod;
        this.sidecars = sidecars;
        this.thread = Thread.ofPlatform().daemon().name("fake-kubelet").start(this::run);
    }

    /** When the last "ready" status began to be written, or null if none has been. */
    Instant lastReadyWritten() {
        return lastReady;
    }

    private void run() {
        while (!closed) {
            sidecars.forEach(this::probe);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probe(String name, Sidecar sidecar) {
        String state;
        ContainerStatus status;
        if (!sidecar.process().isAlive()) {
            int code = sidecar.process().exitValue();
            state = "terminated " + code;
            status = TestPods.terminated(name, code);
        } else if (ready(sidecar.port())) {
            state = "ready";
            status = TestPods.running(name, true);
        } else {
            state = "running";
            status = TestPods.running(name, false);
        }
        if (Objects.equals(written.get(name), state)) return;
        Instant writing = Instant.now(); // before the write: nothing can react to it earlier
        cluster.setStatus(pod, name, s -> status);
        written.put(name, state);
        if (state.equals("ready")) lastReady = writing;
    }

    private boolean ready(int port) {
        if (port == 0) return true;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                    .timeout(Duration.ofMillis(500)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(5000);
    }
}
