package dev.proa;

import dev.proa.kube.OwnContainer;
import dev.proa.sidecars.Sidecars;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which container proa runs in, from its mounts; and that it is proa's own container unless --container says. */
class OwnContainerTest {
    private static final String UID = "8a2f6c1e-3b4d-4e5f-9a0b-1c2d3e4f5a6b";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // what                                  | the mount's root (4th field)                                       | mount point                | found
        "kubelet dir on the root filesystem      | /var/lib/kubelet/pods/" + UID + "/containers/main/4c5f1a2e      | /dev/termination-log       | main",
        "kubelet dir on a filesystem of its own  | /pods/" + UID + "/containers/job-runner/0b1c2d3e                | /dev/termination-log       | job-runner",
        "a custom terminationMessagePath         | /var/lib/kubelet/pods/" + UID + "/containers/app/77aa         | /tmp/why                   | app",
        "only the Pod's /etc/hosts               | /var/lib/kubelet/pods/" + UID + "/etc-hosts                   | /etc/hosts                 | ''",
        "not in a Pod (a Docker container)       | /var/lib/docker/containers/abc/hostname                      | /etc/hostname              | ''",
    })
    void readsTheContainerFromTheKubeletsMount(String what, String root, String mountPoint, String expected) {
        String mountinfo = "1 0 0:52 / / rw,relatime - overlay overlay rw\n"
                + "2 1 8:1 " + root + " " + mountPoint + " rw,relatime - ext4 /dev/sda1 rw\n";
        assertEquals(expected.isEmpty() ? Optional.empty() : Optional.of(expected), OwnContainer.fromMountinfo(mountinfo));
    }

    @ParameterizedTest(name = "--container={0}, detected {1} → {2}")
    @CsvSource({
        ",            main,       main",        // Istio's holdApplicationUntilProxyStarts puts istio-proxy first
        ",            ,           istio-proxy", // nothing detected: the Pod's first container
        ",            elsewhere,  istio-proxy", // detected, but not in this Pod: not trusted
        "istio-proxy, main,       istio-proxy", // --container wins
    })
    void theDetectedContainerIsTheDefaultForContainer(String given, String detected, String expected) throws Exception {
        Pod pod = new PodBuilder().withNewMetadata().withName("job").withNamespace("jobs").endMetadata().withNewSpec()
                .addToContainers(new ContainerBuilder().withName("istio-proxy").build())
                .addToContainers(new ContainerBuilder().withName("main").build()).endSpec().build();

        assertEquals(expected, Sidecars.ownContainer(pod, new Sidecars.Choice(given, detected, List.of(), List.of())));
    }
}
