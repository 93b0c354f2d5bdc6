package dev.proa.kube;

import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Pods;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;

/**
 * The first read of proa's Pod: one GET through fabric8's HTTP client, configured as the KubernetesClient's would be,
 * the very list the informer starts with (the Pods of the namespace with the Pod's name: the same request, so the same
 * permission, and the same words for what goes wrong with it),
 * without building a KubernetesClient or an informer (measured: they cost about 190 ms of a 650 ms start on one core,
 * and a Pod whose sidecars are already ready needs neither before COMMAND). The answer is read as the informer reads
 * it (fabric8's serialization into a generic resource, then {@link Pods#fromResource}).
 * <p>
 * It decides nothing: whatever it cannot read fails the future, and the watch then opens at once and retries as it
 * always has ({@link LazyWatch}). A failure is the exception the informer would meet for the same answer (the
 * transport's, or a {@link KubernetesClientException} carrying the API's Status), so that {@link ApiErrors} says it in
 * the words it always has, once; only a Pod not found ({@link Unread}) is left for the watch to say, as it says that
 * through an empty list, not an error.
 */
public final class FirstRead {
    private FirstRead() {}

    /** Not read, for a reason the watch says in its own way (no such Pod: an empty list); said at debug only. */
    public static final class Unread extends RuntimeException {
        Unread(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Starts reading Pod {@code name} in {@code namespace}. Building the HTTP client may throw as building the
     * KubernetesClient would (a CA file that is not one, say); the read itself never throws, it completes the future.
     */
    public static CompletableFuture<PodView> start(Cluster cluster, String namespace, String name, Logger log) {
        HttpClient http = cluster.httpClient(log);
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(URLUtils.join(cluster.config.getMasterUrl(), "api", "v1", "namespaces", namespace, "pods")
                        + "?fieldSelector=" + URLEncoder.encode("metadata.name=" + name, StandardCharsets.UTF_8))
                .header("Accept", "application/json").build();
        return http.sendAsync(request, byte[].class).thenApply(FirstRead::view).whenComplete((view, failure) -> {
            http.close();
            if (failure != null) log.debug("The first read of the Pod did not show it; watching it instead", failure);
        });
    }

    private static PodView view(HttpResponse<byte[]> response) {
        if (response.code() != 200 || response.body() == null) throw new CompletionException(failure(response));
        GenericKubernetesResourceList list = Cluster.SERIALIZATION.unmarshal(new ByteArrayInputStream(response.body()),
                GenericKubernetesResourceList.class);
        if (list == null || list.getItems() == null || list.getItems().size() != 1) {
            throw new CompletionException(new Unread("the list of Pods named so has no one Pod"));
        }
        return new PodView(Pods.fromResource(list.getItems().getFirst()), false, null, false);
    }

    /** The failure as fabric8's client would make it from this answer: its Status, or one made of its code and text. */
    private static KubernetesClientException failure(HttpResponse<byte[]> response) {
        byte[] body = response.body() == null ? new byte[0] : response.body();
        Status status = null;
        try {
            status = Cluster.SERIALIZATION.unmarshal(new ByteArrayInputStream(body), Status.class);
        } catch (RuntimeException e) {
            // not a Status: made of the code and the text below
        }
        if (status == null || status.getCode() == null) {
            status = new StatusBuilder().withCode(response.code())
                    .withMessage(new String(body, StandardCharsets.UTF_8)).build();
        }
        return new KubernetesClientException(status);
    }
}
