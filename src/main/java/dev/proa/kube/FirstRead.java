package dev.proa.kube;

import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Pods;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;

/**
 * The first read of proa's Pod: one GET through fabric8's HTTP client, configured as the KubernetesClient's would be,
 * the very list the informer starts with (the Pods of the namespace with the Pod's name: the same request, so the same
 * permission, and the same words for what goes wrong with it),
 * without building a KubernetesClient or an informer (measured: they cost about 190 ms of a 650 ms start on one core,
 * and a Pod whose sidecars are already ready needs neither before COMMAND). The answer is read by fabric8's
 * serialization into maps, and its one Pod made the generic resource the informer would make of it, then
 * {@link Pods#fromResource} ({@link #onlyItem}); an answer of any other shape is read as the informer reads it.
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
        Map<?, ?> list = Cluster.SERIALIZATION.unmarshal(new ByteArrayInputStream(response.body()), Map.class);
        GenericKubernetesResource pod = onlyItem(list);
        if (pod == null) pod = asTheInformerReadsIt(response.body());
        return new PodView(Pods.fromResource(pod), false, null, false);
    }

    /**
     * The list's one Pod, read from the JSON's maps (as fabric8 reads a generic resource: its metadata as an
     * {@link ObjectMeta}, the rest as they are). fabric8's reading of the whole list into its generic list type costs
     * about 60 ms of a start on one core, most of it in building Jackson's deserializers of types whose fields proa
     * never reads. Null when the answer is not the plain shape an API server sends (the caller then reads it as the
     * informer does, failing as it would).
     */
    static GenericKubernetesResource onlyItem(Map<?, ?> list) {
        if (list == null || !(list.get("items") instanceof List<?> items) || items.size() != 1
                || !(items.getFirst() instanceof Map<?, ?> fields)) {
            return null;
        }
        Object apiVersion = fields.get("apiVersion");
        Object kind = fields.get("kind");
        Object metadata = fields.get("metadata");
        if (apiVersion != null && !(apiVersion instanceof String) || kind != null && !(kind instanceof String)
                || metadata != null && !(metadata instanceof Map)) {
            return null;
        }
        GenericKubernetesResource pod = new GenericKubernetesResource();
        pod.setApiVersion((String) apiVersion);
        pod.setKind((String) kind);
        ObjectMeta meta = metadata == null ? null : metadata((Map<?, ?>) metadata);
        if (metadata != null && meta == null) return null;
        pod.setMetadata(meta);
        fields.forEach((name, value) -> {
            if (!Set.of("apiVersion", "kind", "metadata").contains(name)) pod.setAdditionalProperty((String) name, value);
        });
        return pod;
    }

    /**
     * The Pod's metadata that proa reads (its name, namespace, uid, annotations, deletion timestamp, and the like),
     * copied from the JSON's map; the rest (owner references, managed fields) is left out, as nothing before COMMAND
     * reads it, and the watch's views carry it all. fabric8's conversion of the whole map into an {@link ObjectMeta}
     * costs about 50 ms on one core (building the deserializers of its nested types). Null when a field copied here is
     * not of its plain type: the list is then read as the informer reads it, so that fabric8 decides what such a field
     * becomes, or fails as it would.
     */
    static ObjectMeta metadata(Map<?, ?> fields) {
        ObjectMeta meta = new ObjectMeta();
        for (Map.Entry<?, ?> field : fields.entrySet()) {
            Object value = field.getValue();
            boolean copied = switch (String.valueOf(field.getKey())) {
                case "name" -> value instanceof String text && set(() -> meta.setName(text));
                case "namespace" -> value instanceof String text && set(() -> meta.setNamespace(text));
                case "uid" -> value instanceof String text && set(() -> meta.setUid(text));
                case "resourceVersion" -> value instanceof String text && set(() -> meta.setResourceVersion(text));
                case "generateName" -> value instanceof String text && set(() -> meta.setGenerateName(text));
                case "creationTimestamp" -> value instanceof String text && set(() -> meta.setCreationTimestamp(text));
                case "deletionTimestamp" -> value instanceof String text && set(() -> meta.setDeletionTimestamp(text));
                case "labels" -> strings(value) instanceof Map<String, String> map && set(() -> meta.setLabels(map));
                case "annotations" -> strings(value) instanceof Map<String, String> map
                        && set(() -> meta.setAnnotations(map));
                default -> true; // not read by proa before COMMAND
            };
            if (!copied && value != null) return null;
        }
        return meta;
    }

    private static boolean set(Runnable setter) {
        setter.run();
        return true;
    }

    /** {@code value} as a map of strings to strings, or null when it is not one. */
    private static Map<String, String> strings(Object value) {
        if (!(value instanceof Map<?, ?> map)) return null;
        Map<String, String> strings = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key) || !(entry.getValue() instanceof String text)) return null;
            strings.put(key, text);
        }
        return strings;
    }

    /** The list read as the informer reads it, whose failures are the informer's; the one Pod in it, or Unread. */
    static GenericKubernetesResource asTheInformerReadsIt(byte[] body) {
        GenericKubernetesResourceList list = Cluster.SERIALIZATION.unmarshal(new ByteArrayInputStream(body),
                GenericKubernetesResourceList.class);
        if (list == null || list.getItems() == null || list.getItems().size() != 1) {
            throw new CompletionException(new Unread("the list of Pods named so has no one Pod"));
        }
        return list.getItems().getFirst();
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
