package dev.proa;

import dev.proa.sidecars.Pods;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * fabric8's CRUD mock API server (real HTTP, real watches) with the faults a real one has, which the mock does not make
 * by itself: dropped watches, 410 Gone on a watch, and error answers. Statuses are written with editStatus, as the
 * kubelet would.
 */
final class MockCluster implements AutoCloseable {
    static final String NAMESPACE = "jobs";

    final KubernetesMockServer server;
    final KubernetesClient client;
    private final MockWebServer web = new MockWebServer();
    private final FaultyDispatcher dispatcher;

    MockCluster(boolean https) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        dispatcher = new FaultyDispatcher(new KubernetesMixedDispatcher(responses));
        server = new KubernetesMockServer(new Context(), web, responses, dispatcher, https);
        server.init();
        client = server.createClient();
    }

    Pod create(Pod pod) {
        return client.pods().inNamespace(NAMESPACE).resource(pod).create();
    }

    /** Rewrites the status of one container (or init container) of the Pod, as the kubelet does, retrying conflicts. */
    void setStatus(String pod, String container, UnaryOperator<ContainerStatus> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.pods().inNamespace(NAMESPACE).withName(pod).editStatus(p -> {
                    for (List<ContainerStatus> statuses : List.of(p.getStatus().getContainerStatuses(),
                            p.getStatus().getInitContainerStatuses())) {
                        statuses.replaceAll(s -> s.getName().equals(container) ? change.apply(s) : s);
                    }
                    return p;
                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) throw e; // 409: written meanwhile; read it again
            }
        }
    }

    void delete(String pod) {
        client.pods().inNamespace(NAMESPACE).withName(pod).delete();
    }

    /**
     * Closes every open watch, as an API server restart or a load balancer timeout does. From this call on, nothing more
     * reaches the client through those watches, even what the mock had queued to send.
     */
    void dropWatches() {
        for (Muted socket : dispatcher.openWatches) {
            socket.muted = true;
            socket.close(1000, "dropped by the test");
        }
        dispatcher.openWatches.clear();
    }

    /**
     * The next {@code count} watch requests are answered 410 Gone, as when the resource version is too old: the API
     * server's way, the watch opens and its one event is an ERROR with that Status (its watch cache never fails the
     * request itself once it has parsed the resource version).
     */
    void answerWatchesWithGone(int count) {
        dispatcher.goneWatches.set(count);
    }

    /** Answers every request with {@code fault} while it returns non-null; null lets it through. */
    void intercept(Function<RecordedRequest, MockResponse> fault) {
        dispatcher.fault = fault;
    }

    /** {@code sending} hears each event the mock is about to send through a watch, as it sends it. */
    void onWatchEvent(Consumer<String> sending) {
        dispatcher.sending = sending;
    }

    /** Watches open now (their sockets accepted), as opposed to asked for. */
    int openWatches() {
        return dispatcher.openWatches.size();
    }

    int watchRequests() {
        return dispatcher.watchRequests.get();
    }

    int requests() {
        return dispatcher.requests.get();
    }

    /** How many times a list of Pods (not a watch) was asked for. */
    int listRequests() {
        return dispatcher.listRequests.get();
    }

    /** The environment of a process in this cluster's Pod: in-cluster style, over HTTPS, with a CA and a token file. */
    Map<String, String> inClusterEnvironment(Path dir) throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "test-token");
        Map<String, String> env = new HashMap<>();
        env.put("KUBERNETES_SERVICE_HOST", "localhost");
        env.put("KUBERNETES_SERVICE_PORT", Integer.toString(web.getPort()));
        env.put("KUBERNETES_CERTS_CA_FILE", web.getSelfSignedCertificate().certificatePath());
        env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", token.toString());
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("POD_NAMESPACE", NAMESPACE);
        return env;
    }

    static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setBody("""
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"%s","reason":"%s","code":%d}"""
                .formatted(message.replace("\"", "\\\""), reason, code));
    }

    /** A watch that opens, then ends at once with a 410 Gone ERROR event, as a real API server's does. */
    static MockResponse goneWatch() {
        String gone = """
                {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
                "message":"too old resource version","reason":"Expired","code":410}}""";
        return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
            @Override
            public void onOpen(WebSocket socket, Response response) {
                socket.send(gone);
                socket.close(1000, "");
            }
        });
    }

    @Override
    public void close() {
        client.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // Vert.x gave up waiting for a client's connection to drain (a watch closing at that moment): the test is
            // over, and the server's port is released all the same.
        }
    }

    /** A watch's socket that the test can silence before closing it. */
    private static final class Muted implements WebSocket {
        private final WebSocket socket;
        private final Consumer<String> sending;
        volatile boolean muted;

        Muted(WebSocket socket, Consumer<String> sending) {
            this.socket = socket;
            this.sending = sending;
        }

        @Override
        public RecordedRequest request() {
            return socket.request();
        }

        @Override
        public boolean send(String text) {
            if (muted) return false;
            sending.accept(text);
            return socket.send(text);
        }

        @Override
        public boolean send(byte[] bytes) {
            return !muted && socket.send(bytes);
        }

        @Override
        public boolean close(int code, String reason) {
            return socket.close(code, reason);
        }
    }

    private static final class FaultyDispatcher extends Dispatcher {
        final KubernetesMixedDispatcher delegate;
        final Set<Muted> openWatches = ConcurrentHashMap.newKeySet();
        final AtomicInteger listRequests = new AtomicInteger();
        final AtomicInteger goneWatches = new AtomicInteger();
        final AtomicInteger watchRequests = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        volatile Function<RecordedRequest, MockResponse> fault = r -> null;
        volatile Consumer<String> sending = text -> {};

        FaultyDispatcher(KubernetesMixedDispatcher delegate) {
            this.delegate = delegate;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            requests.incrementAndGet();
            MockResponse faulty = fault.apply(request);
            if (faulty != null) return faulty;
            boolean watch = request.getPath().contains("watch=true");
            if (!watch && request.getMethod().equals("GET") && request.getPath().contains("/pods?")) {
                listRequests.incrementAndGet();
            }
            if (watch) {
                watchRequests.incrementAndGet();
                if (goneWatches.getAndUpdate(n -> Math.max(n - 1, 0)) > 0) {
                    return goneWatch();
                }
            }
            MockResponse response = delegate.dispatch(request);
            WebSocketListener listener = response.getWebSocketListener();
            if (watch && listener != null) response.withWebSocketUpgrade(new Tracked(listener));
            return response;
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }

        /** Passes every event through, and remembers the socket so the test can drop it. */
        private final class Tracked extends WebSocketListener {
            private final WebSocketListener inner;

            Tracked(WebSocketListener inner) {
                this.inner = inner;
            }

            @Override
            public void onBeforeAccept(WebSocket socket, Response response) {
                inner.onBeforeAccept(socket, response);
            }

            private Muted muted;

            @Override
            public void onOpen(WebSocket socket, Response response) {
                muted = new Muted(socket, text -> sending.accept(text));
                openWatches.add(muted);
                inner.onOpen(muted, response);
            }

            @Override
            public void onMessage(WebSocket socket, String text) {
                inner.onMessage(socket, text);
            }

            @Override
            public void onClosing(WebSocket socket, int code, String reason) {
                openWatches.remove(muted);
                inner.onClosing(socket, code, reason);
            }

            // The mock's own listener, once a watch's client has gone, waits for that watch's sender thread, which
            // may itself wait up to 30 s for this same event loop to write: the whole server would freeze. So it
            // waits on a thread of its own, and the loop goes on serving everyone else.
            @Override
            public void onClosed(WebSocket socket, int code, String reason) {
                openWatches.remove(muted);
                Thread.ofPlatform().daemon().name("mock-watch-closed").start(() -> inner.onClosed(socket, code, reason));
            }

            @Override
            public void onFailure(WebSocket socket, Throwable t, Response response) {
                openWatches.remove(muted);
                Thread.ofPlatform().daemon().name("mock-watch-failed").start(() -> inner.onFailure(socket, t, response));
            }
        }
    }
}
