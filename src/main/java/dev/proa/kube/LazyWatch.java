package dev.proa.kube;

import dev.proa.sidecars.PodView;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The {@link PodWatch}, opened only once it is needed: when the {@link FirstRead} did not show the start all it needs
 * (a sidecar not ready yet, or the read failed), or once COMMAND runs, as the stop and the deaths of sidecars while
 * COMMAND runs need it. Building the KubernetesClient and its informer costs about a third of the start on one core;
 * a Pod whose sidecars are ready at the first read starts COMMAND without paying it first. It is built on a thread of
 * its own, so that the event loop goes on meanwhile (signals, COMMAND's exit).
 */
public final class LazyWatch implements AutoCloseable {
    private final Logger log;
    private final Supplier<KubernetesClient> client;
    private final String namespace;
    private final String name;
    private final Consumer<PodView> seen;
    private final Consumer<Throwable> onError;
    private boolean opened;
    private boolean closed;
    private PodWatch watch;

    /**
     * Follows {@code firstRead}: its view goes to {@code seen}; when it fails, the failure goes to {@code onError}
     * (the watch's own, which then says a repeat of it no more: {@link ApiErrors}), and the watch opens at once.
     */
    public static LazyWatch after(CompletableFuture<PodView> firstRead, Logger log, Supplier<KubernetesClient> client,
            String namespace, String name, Consumer<PodView> seen, Consumer<Throwable> onError) {
        LazyWatch watch = new LazyWatch(log, client, namespace, name, seen, onError);
        firstRead.whenComplete((view, failed) -> {
            Throwable cause = failed instanceof CompletionException c && c.getCause() != null ? c.getCause() : failed;
            if (failed == null) seen.accept(view);
            else if (!(cause instanceof FirstRead.Unread)) onError.accept(cause);
            if (failed != null) watch.open();
        });
        return watch;
    }

    private LazyWatch(Logger log, Supplier<KubernetesClient> client, String namespace, String name,
            Consumer<PodView> seen, Consumer<Throwable> onError) {
        this.log = log;
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.seen = seen;
        this.onError = onError;
    }

    /** Opens the watch, unless it was opened (or closed) before; returns at once. */
    public synchronized void open() {
        if (opened || closed) return;
        opened = true;
        Thread.ofPlatform().daemon().name("proa-watch-setup").start(this::build);
    }

    private void build() {
        try {
            PodWatch built = new PodWatch(client.get(), namespace, name, seen, onError);
            synchronized (this) {
                if (closed) built.close();
                else watch = built;
            }
        } catch (RuntimeException e) {
            // The first read was made with the same configuration, so this is not expected: said, and the start's
            // timeout bounds the wait for a Pod that can no longer be heard of.
            log.error("Could not set up the Kubernetes client to watch the Pod: {}", ApiErrors.describe(e));
            log.debug("Setting up the Kubernetes client failed; in full:", e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watch != null) watch.close();
    }
}
