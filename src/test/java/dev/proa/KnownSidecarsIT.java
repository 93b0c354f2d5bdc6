package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/**
 * The sidecars proa knows, end to end: the real proa process with no shutdown flag, a fresh mock API server per proa
 * (see {@link EndToEnd}), a Pod written the way each sidecar's injector writes it, and a real sidecar process that
 * behaves as that sidecar does.
 */
class KnownSidecarsIT extends EndToEnd {
    private static final String ISTIO_IMAGE = "docker.io/istio/proxyv2:1.24.0";
    private static final String PORT_ANNOTATION = "status.sidecar.istio.io/port";

    @Test
    void anIstioProxyGetsItsPostOnItsAnnotatedPortWithNoFlagAndTheJobCompletes() throws Exception {
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "istio-proxy", 0, "istio");
        try (FakeKubelet kubelet = kubelet(istio(), Map.of(PORT_ANNOTATION, Integer.toString(proxy.port())), proxy)) {
            ProaRun proa = ProaRun.start(dir, env("job"), List.of("--", "sh", "-c", "exit 0"));

            assertEquals(0, proa.exitStatus(), proa.log());
            assertTrue(proxy.process().waitFor(20, TimeUnit.SECONDS), "istio-proxy was stopped");
            assertEquals(0, proxy.process().exitValue(), "every container exited 0: the Job completes");
            assertEquals("POST /quitquitquit", Files.readString(dir.resolve("istio-proxy.quit")));
            assertEquals(1, TestSupport.count(proa.log(), "Shutdown plan: sidecar istio-proxy: POST http://127.0.0.1:"
                    + proxy.port() + "/quitquitquit (recognized as Istio's pilot-agent, port " + proxy.port()
                    + " from the Pod annotation " + PORT_ANNOTATION + ")"), "the plan, once: " + proa.log());
            assertTrue(proa.log().contains("every sidecar has stopped"), proa.log());
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    @Test
    void aLinkerdProxyAnswering404GetsTheHintThatEnablesItsEndpoint() throws Exception {
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "linkerd-proxy", 0, "linkerd-disabled");
        Container linkerd = new ContainerBuilder().withName("linkerd-proxy").withImage("cr.l5d.io/linkerd/proxy:edge-25.1.1")
                .addNewEnv().withName("LINKERD2_PROXY_ADMIN_LISTEN_ADDR").withValue("0.0.0.0:" + proxy.port()).endEnv()
                .addNewEnv().withName("LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED").withValue("true").endEnv().build();
        try (FakeKubelet kubelet = kubelet(linkerd, Map.of(), proxy)) {
            ProaRun proa = ProaRun.start(dir, env("job"), List.of("--shutdown-timeout=2s", "--", "sh", "-c", "exit 0"));

            assertEquals(0, proa.exitStatus(), proa.log());
            assertEquals("POST /shutdown", Files.readString(dir.resolve("linkerd-proxy.quit")));
            assertTrue(proa.log().contains("answered 404 Not Found (\"shutdown endpoint is not enabled\")"), proa.log());
            assertTrue(proa.log().contains("Likely cause: Linkerd's proxy answers 404 when its /shutdown endpoint is not"
                    + " enabled. Fix: set the Pod annotation config.alpha.linkerd.io/proxy-enable-shutdown-endpoint:"
                    + " \"true\""), proa.log());
            assertTrue(proa.log().contains("Sidecar linkerd-proxy is still running at the shutdown timeout: it was asked"
                    + " (POST http://127.0.0.1:" + proxy.port() + "/shutdown) and has not stopped"), proa.log());
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    @Test
    void aCloudSqlProxyExiting143IsReportedWithItsFix() throws Exception {
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "cloud-sql-proxy", 0, "exit143");
        Container cloudSql = new ContainerBuilder().withName("cloud-sql-proxy")
                .withImage("gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1")
                .withArgs("--quitquitquit", "--admin-port=" + proxy.port(), "--port=5432", "my-project:my-region:my-db")
                .build();
        Path message = dir.resolve("termination-log");
        try (FakeKubelet kubelet = kubelet(cloudSql, Map.of(), proxy)) {
            ProaRun proa = ProaRun.start(dir, env("job"), List.of("--events", "--termination-log=" + message,
                    "--", "sh", "-c", "exit 0"));

            assertEquals(0, proa.exitStatus(), "COMMAND's status, still: " + proa.log());
            assertEquals("POST /quitquitquit", Files.readString(dir.resolve("cloud-sql-proxy.quit")));
            String why = "Sidecar cloud-sql-proxy exited with code 143 (Error) during the shutdown: the Pod will be"
                    + " marked Failed even though COMMAND's status is what proa exits with. Fix: start the proxy with"
                    + " --exit-zero-on-sigterm";
            assertTrue(proa.log().contains("WARN proa - " + why), proa.log());
            assertEquals("proa: COMMAND exited with status 0; " + why, Files.readString(message));
            List<String> events = new ArrayList<>();
            for (Event e : cluster.client.v1().events().inNamespace(MockCluster.NAMESPACE).list().getItems()) {
                events.add(e.getReason() + ": " + e.getMessage());
            }
            assertTrue(events.contains("SidecarFailed: " + why), events.toString());
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    @Test
    void anExplicitShutdownOptionReplacesRecognition() throws Exception {
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "istio-proxy", 0, "istio");
        try (MockWebServer annotated = new MockWebServer()) {
            annotated.enqueue(new MockResponse.Builder().code(200).build());
            annotated.start();
            try (FakeKubelet kubelet = kubelet(istio(), Map.of(PORT_ANNOTATION, Integer.toString(annotated.getPort())),
                    proxy)) {
                ProaRun proa = ProaRun.start(dir, env("job"), List.of(
                        "-p", "http://127.0.0.1:" + proxy.port() + "/quitquitquit", "--", "sh", "-c", "exit 0"));

                assertEquals(0, proa.exitStatus(), proa.log());
                assertEquals("POST /quitquitquit", Files.readString(dir.resolve("istio-proxy.quit")));
                // proa exits only once every request it sent has ended: none went to the annotated port.
                assertEquals(0, annotated.getRequestCount(), "recognition sent nothing: " + proa.log());
                assertTrue(proa.log().contains("Shutdown plan: sidecar istio-proxy: stopped by the options given"
                        + " (--shutdown-http-post=http://127.0.0.1:" + proxy.port() + "/quitquitquit); recognized as"
                        + " Istio's pilot-agent, whose own way is not used"), proa.log());
            }
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    @Test
    void shutdownAutoFalseSendsNothingAndSaysThePodWillNotComplete() throws Exception {
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "istio-proxy", 0, "istio");
        try (FakeKubelet kubelet = kubelet(istio(), Map.of(PORT_ANNOTATION, Integer.toString(proxy.port())), proxy)) {
            ProaRun proa = ProaRun.start(dir, env("job"), List.of("--shutdown-auto=false", "--", "sh", "-c", "exit 0"));

            assertEquals(0, proa.exitStatus(), proa.log());
            // With a request to send, proa would have waited for its answer before exiting; there was none.
            assertFalse(Files.exists(dir.resolve("istio-proxy.quit")), "nothing was sent: " + proa.log());
            assertTrue(proxy.process().isAlive());
            assertTrue(proa.log().contains("WARN proa - Shutdown plan: sidecar istio-proxy: nothing stops it"
                    + " (--shutdown-auto=false, and no shutdown option given). The Pod will not complete after COMMAND"
                    + " exits unless istio-proxy exits by itself. Fix: give --shutdown-http-post=http://127.0.0.1:"
                    + proxy.port() + "/quitquitquit"), proa.log());
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    private static Container istio() {
        return new ContainerBuilder().withName("istio-proxy").withImage(ISTIO_IMAGE)
                .withArgs("proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local").build();
    }

    /** The Pod "job" with {@code sidecar} and {@code annotations}, and a kubelet reporting the sidecar process. */
    private FakeKubelet kubelet(Container sidecar, Map<String, String> annotations, FakeKubelet.Sidecar process) {
        cluster.create(TestPods.pod("job", sidecar, annotations));
        return new FakeKubelet(cluster, "job", Map.of(sidecar.getName(), process));
    }
}
