package dev.proa.report;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.proa.config.Durations;
import dev.proa.kube.ApiErrors;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Pods;
import java.time.Duration;
import java.util.function.Supplier;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;

/**
 * {@code --events}: Kubernetes Events on proa's own Pod, which {@code kubectl describe pod} shows. Each is sent on a
 * thread of its own, so none delays the run; a denied or failed Event is logged once and never fails the run.
 */
public final class Events {
    public static final Events NONE = new Events(null, null, null);

    private final Logger log;
    /** Built on the first Event's own thread, not before COMMAND: see {@code kube.LazyWatch}. */
    private final Supplier<KubernetesClient> client;
    private final Supplier<PodView> pod;
    private final List<Thread> sending = new CopyOnWriteArrayList<>();
    /** Set by the first Event that fails; atomic, as Events are sent from threads of their own at once. */
    private final java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();

    /** {@code pod}: the latest view of proa's Pod, which the Events are about; {@code client}: the API's, once asked. */
    public Events(Logger log, Supplier<KubernetesClient> client, Supplier<PodView> pod) {
        this.log = log;
        this.client = client;
        this.pod = pod;
    }

    public void normal(String reason, String message) {
        record("Normal", reason, message);
    }

    public void warning(String reason, String message) {
        record("Warning", reason, message);
    }

    private void record(String type, String reason, String message) {
        if (client == null || failed.get()) return;
        PodView view = pod.get();
        Pod seen = view.pod();
        if (seen == null || view.gone()) return; // no Pod to attach it to
        sending.add(Thread.ofVirtual().name("proa-event " + reason).start(() -> send(seen, type, reason, message)));
    }

    private void send(Pod about, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ObjectMeta meta = new ObjectMeta();
        meta.setGenerateName(about.getMetadata().getName() + ".");
        meta.setNamespace(about.getMetadata().getNamespace());
        ObjectReference involved = new ObjectReference();
        involved.setApiVersion("v1");
        involved.setKind("Pod");
        involved.setName(about.getMetadata().getName());
        involved.setNamespace(about.getMetadata().getNamespace());
        involved.setUid(about.getMetadata().getUid());
        EventSource source = new EventSource();
        source.setComponent("proa");
        Event event = new Event();
        event.setMetadata(meta);
        event.setInvolvedObject(involved);
        event.setType(type);
        event.setReason(reason);
        event.setMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message);
        event.setSource(source);
        event.setReportingComponent("proa");
        event.setReportingInstance(about.getMetadata().getName());
        event.setFirstTimestamp(now);
        event.setLastTimestamp(now);
        event.setCount(1);
        try {
            client.get().v1().events().inNamespace(about.getMetadata().getNamespace()).resource(event).create();
            log.debug("Recorded Event {} on Pod {}", reason, Pods.describe(about));
        } catch (RuntimeException e) {
            if (failed.compareAndSet(false, true)) {
                log.warn("Could not record Event {} on Pod {}: {}. {}No more Events will be tried; the run goes on",
                        reason, Pods.describe(about), ApiErrors.describe(e),
                        ApiErrors.isDenied(e) ? "--events needs create on events in the namespace (add it to proa's Role). " : "");
            }
        }
    }

    /** Waits, a little, for the Events still being sent: proa is about to exit. */
    public void finish(Duration atMost) throws InterruptedException {
        long deadline = Durations.plus(System.nanoTime(), atMost);
        for (Thread thread : sending) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !thread.join(Duration.ofNanos(left))) return;
        }
    }
}
