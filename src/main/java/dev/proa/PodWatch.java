package dev.proa;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * proa's view of its own Pod: one fabric8 informer on that Pod alone (a field selector on its name), which lists, then
 * watches, and re-lists and re-watches by itself after a dropped watch or 410 Gone. The same watch serves the startup
 * and the shutdown. Waiters block on {@link #awaitChange} and wake the moment a new version of the Pod arrives.
 */
final class PodWatch implements AutoCloseable {

    /**
     * What is known of the Pod at one moment. {@code pod} is null until it is first seen; {@code gone} is set when the
     * API server said it does not exist (not found at the first listing, or deleted since).
     */
    record Snapshot(long version, Pod pod, boolean gone, Throwable error) {}

    private final String namespace;
    private final String name;
    private final Object monitor = new Object();
    private Snapshot snapshot = new Snapshot(0, null, false, null);
    private final SharedIndexInformer<GenericKubernetesResource> informer;

    /**
     * Starts watching. {@code onError} hears each failed list or watch (which fabric8 then retries) and decides
     * nothing: the informer always retries, and the waiters decide when to give up.
     */
    PodWatch(KubernetesClient client, String namespace, String name, Consumer<Throwable> onError) {
        this.namespace = namespace;
        this.name = name;
        this.informer = client.genericKubernetesResources(Pods.POD).inNamespace(namespace).withName(name)
                .runnableInformer(0);
        informer.addEventHandler(new Handler());
        informer.exceptionHandler((started, error) -> {
            update(s -> new Snapshot(s.version() + 1, s.pod(), s.gone(), error));
            onError.accept(error);
            return true;
        });
        informer.start();
    }

    String namespace() {
        return namespace;
    }

    String name() {
        return name;
    }

    Snapshot current() {
        synchronized (monitor) {
            return snapshot;
        }
    }

    /** Waits until there is a snapshot newer than {@code seen}, or {@code timeout} passes; returns the latest. */
    Snapshot awaitChange(Snapshot seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (snapshot.version() == seen.version()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                monitor.wait(Math.max(1, left / 1_000_000), (int) (left % 1_000_000));
            }
            return snapshot;
        }
    }

    /** Wakes every waiter without news of the Pod, so it can look at something else (a signal, say). */
    void wake() {
        update(s -> new Snapshot(s.version() + 1, s.pod(), s.gone(), s.error()));
    }

    private void update(java.util.function.UnaryOperator<Snapshot> change) {
        synchronized (monitor) {
            snapshot = change.apply(snapshot);
            monitor.notifyAll();
        }
    }

    @Override
    public void close() {
        informer.stop();
    }

    private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
        private boolean present; // the informer calls its handler from one thread at a time

        @Override
        public void onAdd(GenericKubernetesResource pod) {
            seen(Pods.fromResource(pod));
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource pod) {
            seen(Pods.fromResource(pod));
        }

        @Override
        public void onDelete(GenericKubernetesResource pod, boolean finalStateUnknown) {
            present = false;
            update(s -> new Snapshot(s.version() + 1, Pods.fromResource(pod), true, null));
        }

        @Override
        public void onList(String resourceVersion, boolean remainedEmpty) {
            // A listing that worked clears the last error. Whether the Pod is gone is what the handler last heard:
            // fabric8 passes remainedEmpty=false after a re-list that found the Pod deleted (and said so in onDelete).
            boolean gone = !present;
            update(s -> new Snapshot(s.version() + 1, s.pod(), gone, null));
        }

        private void seen(Pod pod) {
            present = true;
            update(s -> new Snapshot(s.version() + 1, pod, false, null));
        }
    }
}
