package dev.proa.stopping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finding a container's processes: the ID in its status's containerID, and the cgroup paths that hold it. */
class ContainerProcessesTest {
    private static final String ID = "3f1c2b0d9e8a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b";

    static Stream<Arguments> ids() {
        return Stream.of(
                arguments("containerd://" + ID, ID),
                arguments("cri-o://" + ID, ID),
                arguments("docker://" + ID, ID),
                arguments(ID, ID),
                arguments("containerd://", null),
                arguments("containerd://abc", null),
                arguments("containerd://../../etc", null),
                arguments(null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ids")
    void theIdOfAContainerId(String containerId, String expected) {
        assertEquals(expected, ContainerProcesses.id(containerId));
    }

    static Stream<Arguments> cgroups() {
        return Stream.of(
                arguments("cgroup v2, systemd driver", "0::/kubepods.slice/kubepods-besteffort.slice/"
                        + "kubepods-besteffort-pod1234.slice/cri-containerd-" + ID + ".scope\n", true),
                arguments("cgroup v2, cgroupfs driver", "0::/kubepods/besteffort/pod1234/" + ID + "\n", true),
                arguments("cgroup v1", "12:pids:/kubepods/pod1234/" + ID + "\n4:cpu,cpuacct:/kubepods/pod1234/" + ID
                        + "\n1:name=systemd:/kubepods/pod1234/" + ID + "\n", true),
                arguments("another container", "0::/kubepods/besteffort/pod1234/" + "0".repeat(64) + "\n", false),
                arguments("the Pod's own cgroup only", "0::/kubepods/besteffort/pod1234\n", false),
                arguments("unreadable", "", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cgroups")
    void aProcessIsTheContainersWhenACgroupPathHoldsItsId(String why, String cgroups, boolean expected) {
        assertEquals(expected, ContainerProcesses.inContainer(cgroups, ID));
    }
}
