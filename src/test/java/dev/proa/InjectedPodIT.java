package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.inject.Injection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An injected Pod, run as the kubelet would run it: the mock API server holds the injected Pod, the main container's
 * environment is its injected env with the downward API resolved, and its argv (command, then args, without the
 * launcher, which is the jar here) is what proa gets. Its COMMAND must be the original command and args, the sidecar
 * waited for and stopped.
 */
class InjectedPodIT extends EndToEnd {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Injection.Mode.class)
    void theInjectedMainContainerRunsItsOwnCommandBehindProa(Injection.Mode mode) throws Exception {
        Pod written = TestPods.pod("job", List.of("proxy"), List.of());
        Container main = written.getSpec().getContainers().getFirst();
        main.setCommand(List.of("sh", "-c", "echo \"$@\" > ran; exit 3", "sh"));
        main.setArgs(List.of("a b", "c"));
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "proxy", 500);
        try {
            Injection.Inject inject = (Injection.Inject) Injection.decide(written.getSpec(), new Injection.Settings(
                    "registry.example/proa:0.1.0", mode, null,
                    List.of("--shutdown-http-post=http://127.0.0.1:" + proxy.port() + "/quitquitquit", "--startup-timeout=1m")));
            Pod injected = new PodBuilder(written).withSpec(Injection.apply(written.getSpec(), inject)).build();
            cluster.create(injected);
            Container running = injected.getSpec().getContainers().getFirst();
            List<String> argv = new ArrayList<>(running.getCommand());
            argv.addAll(running.getArgs());
            assertEquals(Injection.LAUNCHER, argv.getFirst());

            try (FakeKubelet kubelet = new FakeKubelet(cluster, "job", Map.of("proxy", proxy))) {
                ProaRun proa = ProaRun.start(dir, environment(injected, running), argv.subList(1, argv.size()));
                assertEquals(3, proa.exitStatus(), proa.log());
                assertEquals("a b c\n", Files.readString(dir.resolve("ran")), "the original command with its args");
                assertTrue(proxy.process().waitFor(10, TimeUnit.SECONDS), "the sidecar was stopped");
                assertEquals("POST /quitquitquit", Files.readString(dir.resolve("proxy.quit")));
                assertTrue(proa.log().contains("all sidecars of Pod jobs/job (proxy) are ready"), proa.log());
            }
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    /** The in-cluster environment, and the container's env with its downward API references resolved. */
    private Map<String, String> environment(Pod pod, Container container) throws Exception {
        Map<String, String> env = new HashMap<>(cluster.inClusterEnvironment(dir));
        for (EnvVar variable : container.getEnv()) {
            String value = variable.getValue();
            if (variable.getValueFrom() != null) {
                value = switch (variable.getValueFrom().getFieldRef().getFieldPath()) {
                    case "metadata.name" -> pod.getMetadata().getName();
                    case "metadata.namespace" -> pod.getMetadata().getNamespace();
                    default -> throw new AssertionError("a field the test's kubelet does not resolve: " + variable);
                };
            }
            env.put(variable.getName(), value);
        }
        assertTrue(env.keySet().containsAll(List.of("POD_NAME", "POD_NAMESPACE", "PROA_CONTAINER")), env.toString());
        return env;
    }
}
