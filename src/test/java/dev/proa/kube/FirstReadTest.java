package dev.proa.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.proa.sidecars.Pods;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first read's own reading of the list gives proa the Pod that fabric8's reading of it, as the informer's, gives. */
class FirstReadTest {
    private static final String META = """
            {"name": "job-x1", "generateName": "job-", "namespace": "jobs", "uid": "0b5c", "resourceVersion": "42",
             "creationTimestamp": "2026-12-07T00:00:00Z", "deletionTimestamp": "2026-12-07T00:01:00Z",
             "labels": {"app": "job"}, "annotations": {"proa.dev/x": "y"},
             "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": "job", "uid": "77"}],
             "managedFields": [{"manager": "kubelet", "operation": "Update", "fieldsV1": {"f:status": {}}}]}""";

    private static final String SPEC_STATUS = """
            "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 30, "shareProcessNamespace": true,
              "containers": [{"name": "main", "image": "busybox", "command": ["sh"], "env": [{"name": "A", "value": "1"}],
                "ports": [{"containerPort": 8080, "name": "http"}]}],
              "initContainers": [{"name": "proxy", "restartPolicy": "Always"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "main", "ready": false, "restartCount": 0,
              "state": {"running": {"startedAt": "2026-12-07T00:00:01Z"}}}],
              "initContainerStatuses": [{"name": "proxy", "ready": true, "started": true, "restartCount": 1,
              "state": {"running": {}}}]}""";

    private static String list(String metadata) {
        return "{\"apiVersion\": \"v1\", \"kind\": \"PodList\", \"metadata\": {\"resourceVersion\": \"42\"}, \"items\": [{"
                + "\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": " + metadata + ", " + SPEC_STATUS + "}]}";
    }

    private static Pod read(String json) {
        Map<?, ?> list = Cluster.SERIALIZATION.unmarshal(json, Map.class);
        GenericKubernetesResource pod = FirstRead.onlyItem(list);
        assertNotNull(pod, "read from the maps");
        return Pods.fromResource(pod);
    }

    private static Pod asTheInformer(String json) {
        return Pods.fromResource(FirstRead.asTheInformerReadsIt(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aPodIsReadAsTheInformerReadsItInAllProaReads() {
        Pod ours = read(list(META));
        Pod theirs = asTheInformer(list(META));
        assertEquals(theirs.getSpec(), ours.getSpec());
        assertEquals(theirs.getStatus(), ours.getStatus());
        ObjectMeta mine = ours.getMetadata();
        ObjectMeta fabric8s = theirs.getMetadata();
        assertEquals(fabric8s.getName(), mine.getName());
        assertEquals(fabric8s.getGenerateName(), mine.getGenerateName());
        assertEquals(fabric8s.getNamespace(), mine.getNamespace());
        assertEquals(fabric8s.getUid(), mine.getUid());
        assertEquals(fabric8s.getResourceVersion(), mine.getResourceVersion());
        assertEquals(fabric8s.getCreationTimestamp(), mine.getCreationTimestamp());
        assertEquals(fabric8s.getDeletionTimestamp(), mine.getDeletionTimestamp());
        assertEquals(fabric8s.getLabels(), mine.getLabels());
        assertEquals(fabric8s.getAnnotations(), mine.getAnnotations());
        assertEquals("job-x1", mine.getName());
        assertEquals(Map.of("proa.dev/x", "y"), mine.getAnnotations());
    }

    @Test
    void metadataOfAnUnusualTypeIsLeftToTheInformersReading() {
        for (String odd : java.util.List.of("{\"name\": \"job\", \"annotations\": {\"a\": 1}}",
                "{\"name\": \"job\", \"labels\": [\"x\"]}", "{\"name\": 7}", "{\"deletionTimestamp\": {}}")) {
            assertNull(FirstRead.onlyItem(Cluster.SERIALIZATION.unmarshal(list(odd), Map.class)), odd);
        }
    }

    @Test
    void aListNotOfOnePlainPodIsLeftToTheInformersReading() {
        assertNull(FirstRead.onlyItem(Map.of("items", java.util.List.of())));
        assertNull(FirstRead.onlyItem(Map.of("items", java.util.List.of("a Pod"))));
        assertNull(FirstRead.onlyItem(Map.of("items", java.util.List.of(Map.of("kind", 3)))));
        assertNull(FirstRead.onlyItem(Map.of("items", java.util.List.of(Map.of("metadata", "job")))));
        assertNull(FirstRead.onlyItem(Map.of("kind", "PodList")));
    }
}
