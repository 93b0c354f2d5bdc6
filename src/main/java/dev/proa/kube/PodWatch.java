package dev.proa.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Pods;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.function.Consumer;

/**
 * proa's view of its own Pod: one fabric8 informer on that Pod alone (a field selector on its name), which lists, then
 * watches, and re-lists and re-watches by itself after a dropped watch or 410 Gone. Each new version of what is known
 * (the Pod, that it is gone, the last error) is handed to the lifecycle's event loop as it arrives; nothing here decides.
 */
public final class PodWatch implements AutoCloseable {
    /** Pods in the core API group, named so that fabric8 need not ask the API server what a Pod is. */
    public static final ResourceDefinitionContext POD = new ResourceDefinitionContext.Builder()
            .withGroup("").withVersion("v1").withKind("Pod").withPlural("pods").withNamespaced(true).build();

    private final SharedIndexInformer<GenericKubernetesResource> informer;
    private final Consumer<PodView> seen;
    private PodView view = PodView.UNSEEN; // the informer calls its handlers from one thread at a time

    /**
     * Starts watching. {@code seen} hears each new view of the Pod; {@code onError} each failed list or watch (which
     * fabric8 then retries: the informer always retries, and the lifecycle decides when to give up).
     */
    public PodWatch(KubernetesClient client, String namespace, String name, Consumer<PodView> seen,
            Consumer<Throwable> onError) {
        this.seen = seen;
        this.informer = client.genericKubernetesResources(POD).inNamespace(namespace).withName(name)
                .runnableInformer(0);
        informer.addEventHandler(new Handler());
        informer.exceptionHandler((started, error) -> {
            update(new PodView(view.pod(), view.gone(), ApiErrors.describe(error), ApiErrors.isDenied(error)));
            onError.accept(error);
            return true;
        });
        informer.start();
    }

    private synchronized void update(PodView next) {
        view = next;
        seen.accept(next);
    }

    @Override
    public void close() {
        informer.stop();
    }

    private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
        private boolean present;

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
            update(new PodView(Pods.fromResource(pod), true, null, false));
        }

        @Override
        public void onList(String resourceVersion, boolean remainedEmpty) {
            // A listing that worked clears the last error. Whether the Pod is gone is what the handler last heard:
            // fabric8 passes remainedEmpty=false after a re-list that found the Pod deleted (and said so in onDelete).
            update(new PodView(view.pod(), !present, null, false));
        }

        private void seen(Pod pod) {
            present = true;
            update(new PodView(pod, false, null, false));
        }
    }
}
