package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/**
 * {@code proa check}, as a process against the mock API server: the plan, the service account's permissions (asked
 * with SelfSubjectAccessReviews, which the test answers), and what to fix; it never sends a shutdown request.
 */
class CheckIT extends EndToEnd {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Answers every SelfSubjectAccessReview: allowed unless its verb is in {@code denied}. */
    private void permissions(Set<String> denied) {
        cluster.intercept(request -> {
            if (!request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")) return null;
            try {
                JsonNode review = JSON.readTree(request.getUtf8Body());
                String verb = review.path("spec").path("resourceAttributes").path("verb").asText();
                ((com.fasterxml.jackson.databind.node.ObjectNode) review).putObject("status")
                        .put("allowed", !denied.contains(verb));
                return new MockResponse().setResponseCode(201).setBody(JSON.writeValueAsString(review));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private Pod podWithProbedProxyAndNativeLogger() {
        Pod pod = TestPods.pod("job", List.of("proxy"), List.of("logger"));
        pod.getSpec().getContainers().set(1, new ContainerBuilder(pod.getSpec().getContainers().get(1))
                .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withNewPort(15021).endHttpGet()
                .endReadinessProbe().build());
        return pod;
    }

    private ProaRun check(List<String> args) throws Exception {
        List<String> all = new ArrayList<>(List.of("check"));
        all.addAll(args);
        return ProaRun.start(dir, env("job"), all);
    }

    @Test
    void aCompletePlanIsPrintedAndExits0WithoutSendingAnything() throws Exception {
        cluster.create(podWithProbedProxyAndNativeLogger());
        permissions(Set.of());
        try (MockWebServer quit = new MockWebServer()) {
            quit.start();
            ProaRun proa = check(List.of("--probe", "-p", quit.url("/quitquitquit").toString()));

            assertEquals(0, proa.exitStatus(), proa.output() + proa.log());
            String out = proa.output();
            assertTrue(out.contains("Pod:        jobs/job (name from POD_NAME, namespace from POD_NAMESPACE)"), out);
            assertTrue(out.contains("Container:  main (from the Pod's first container)"), out);
            assertTrue(out.contains("  proxy\n    ready:   readiness probe HTTP GET :15021/ready\n"
                    + "    stopped: stopped by the options given (--shutdown-http-post=" + quit.url("/quitquitquit")), out);
            assertTrue(out.contains("  logger (native)\n    ready:   no readiness probe: ready as soon as it runs\n"
                    + "    stopped: a native sidecar, which the kubelet stops once proa's container has exited"), out);
            assertTrue(out.contains("  watch pods: allowed"), out);
            assertTrue(out.contains("(its port): accepts connections"), out);
            assertTrue(out.contains("The plan is complete and permitted."), out);
            assertEquals(0, quit.getRequestCount(), "a check never sends a shutdown request");
        }
    }

    @Test
    void aSidecarNothingStopsIsNamedWithItsFixAndExits1() throws Exception {
        cluster.create(podWithProbedProxyAndNativeLogger());
        permissions(Set.of());
        ProaRun proa = check(List.of());

        assertEquals(1, proa.exitStatus(), proa.output() + proa.log());
        assertTrue(proa.output().contains("To fix:\n  - Sidecar proxy: nothing known stops it (not a sidecar proa"
                + " recognizes, and no shutdown option given). The Pod will not complete after COMMAND exits unless proxy"
                + " exits by itself. Fix: give --shutdown-http-post=URL"), proa.output());
        assertFalse(proa.output().contains("Sidecar logger"), "a native sidecar needs nothing: " + proa.output());
    }

    @Test
    void aRecognizedSidecarNeedsNoFlagAndShowsHowItWillBeStopped() throws Exception {
        cluster.create(TestPods.pod("job", new ContainerBuilder().withName("istio-proxy")
                .withImage("docker.io/istio/proxyv2:1.24.0").build(), Map.of("status.sidecar.istio.io/port", "15020")));
        permissions(Set.of());
        ProaRun proa = check(List.of());

        assertEquals(0, proa.exitStatus(), proa.output() + proa.log());
        assertTrue(proa.output().contains("    stopped: POST http://127.0.0.1:15020/quitquitquit (recognized as Istio"),
                proa.output());
    }

    @Test
    void aDeniedWatchIsNamedWithTheRoleThatFixesIt() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        permissions(Set.of("watch"));
        ProaRun proa = check(List.of("--events"));

        assertEquals(1, proa.exitStatus(), proa.output() + proa.log());
        String out = proa.output();
        assertTrue(out.contains("  watch pods: DENIED"), out);
        assertTrue(out.contains("  create events: allowed"), out);
        assertTrue(out.contains("The service account may not watch pods in namespace jobs."), out);
        assertTrue(out.contains("kind: RoleBinding"), out);
        assertTrue(out.contains("resources: [\"events\"]"), "the Role includes what --events needs: " + out);
    }

    @Test
    void aWaitForNameNotInThePodIsAProblem() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        permissions(Set.of());
        ProaRun proa = check(List.of("--wait-for=envoy", "-p", "http://127.0.0.1:1/quitquitquit"));

        assertEquals(1, proa.exitStatus(), proa.output() + proa.log());
        assertTrue(proa.output().contains("--wait-for=envoy names no sidecar of Pod jobs/job; its sidecars are: proxy"),
                proa.output());
    }

    @Test
    void jsonIsOneDocumentATestCanRead() throws Exception {
        cluster.create(podWithProbedProxyAndNativeLogger());
        permissions(Set.of("list"));
        ProaRun proa = check(List.of("--log-format=json", "-p", "http://127.0.0.1:1/quitquitquit"));

        assertEquals(1, proa.exitStatus(), proa.output() + proa.log());
        JsonNode report = JSON.readTree(proa.output());
        assertEquals("job", report.path("identity").path("pod").asText());
        assertEquals("POD_NAME", report.path("identity").path("podSource").asText());
        assertEquals(List.of("proxy", "logger"), report.path("sidecars").findValuesAsText("name"));
        assertTrue(report.path("sidecars").get(1).path("isNative").asBoolean());
        JsonNode list = report.path("permissions").get(1);
        assertEquals("list", list.path("verb").asText());
        assertFalse(list.path("allowed").asBoolean());
        assertFalse(report.path("complete").asBoolean());
        assertEquals(1, report.path("problems").size(), report.toString());
    }

    @Test
    void aCommandAfterCheckIsAUsageError() throws Exception {
        ProaRun proa = ProaRun.start(dir, Map.of(), List.of("check", "sh", "-c", "true"));

        assertEquals(2, proa.exitStatus(), proa.log());
        assertTrue(proa.log().contains("'sh'"), "names the bad value: " + proa.log());
    }
}
