package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sidecar that answers its shutdown request and keeps running is sent SIGTERM at the end of its phase's share of
 * the shutdown timeout, where the Pod shares its process namespace. As in {@link KillScopeIT}, a PID namespace of its
 * own ({@code unshare --pid --fork --mount-proc}) stands for the Pod's, its PID 1 a copy of sleep named pause; the
 * sidecar and proa join it with nsenter. The sidecar's process is put in a cgroup (cgroup v1's cpu hierarchy, else the
 * unified v2 one) whose path
 * holds the container ID its status gives, as the container runtimes' cgroup paths do.
 */
class EscalationIT extends EndToEnd {
    /** cgroup v1's cpu hierarchy where the machine has one, else cgroup v2's unified one. */
    private static final Path CPU = Files.isRegularFile(Path.of("/sys/fs/cgroup/cpu/cgroup.procs"))
            ? Path.of("/sys/fs/cgroup/cpu") : Path.of("/sys/fs/cgroup");
    private final PidNamespaces namespaces = new PidNamespaces();
    private final String id = HexFormat.of().formatHex(randomBytes());
    private final Path cgroup = CPU.resolve("proa-it-" + id);

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    @BeforeEach
    void needsRoot() throws Exception {
        TestSupport.requirePrivilege(PidNamespaces.available() && Files.isWritable(CPU.resolve("cgroup.procs")),
                "needs root, for unshare --pid, nsenter and a cgroup (" + CPU + ")");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (Files.isDirectory(cgroup)) { // its processes back to the root cgroup first: rmdir takes only an empty one
            for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                try {
                    Files.writeString(CPU.resolve("cgroup.procs"), pid);
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        namespaces.close();
        // An empty cgroup is removed so (rmdir); a process just killed may leave it only a moment later.
        TestSupport.awaitTrue(() -> {
            try {
                return !Files.isDirectory(cgroup) || Files.deleteIfExists(cgroup);
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void aSidecarThatAnswersAndKeepsRunningIsSentSigtermThenTheStopCompletes() throws Exception {
        long pid1 = namespaces.create(Files.copy(Path.of("/usr/bin/sleep"), dir.resolve("pause"),
                StandardCopyOption.COPY_ATTRIBUTES));
        Path portFile = dir.resolve("stubborn.port");
        ProcessHandle sidecar = namespaces.enter(pid1, ProaRun.JAVA, "-cp", System.getProperty("java.class.path"),
                FakeSidecar.class.getName(), portFile.toString(), "0", dir.resolve("stubborn.quit").toString(), "stubborn");
        TestSupport.awaitTrue(() -> Files.exists(portFile));
        Files.createDirectory(cgroup);
        Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(sidecar.pid()));
        assertTrue(Files.readString(Path.of("/proc", Long.toString(sidecar.pid()), "cgroup")).contains(id));

        Pod pod = TestPods.pod("job", List.of("stubborn"), List.of());
        pod.getSpec().setShareProcessNamespace(true);
        ContainerStatus running = TestPods.running("stubborn", true);
        running.setContainerID("containerd://" + id);
        pod.getStatus().setContainerStatuses(List.of(TestPods.running("main", true), running));
        cluster.create(pod);
        // The kubelet's part: once the sidecar's process has exited, its container's status says so.
        sidecar.onExit().thenRun(() -> cluster.setStatus("job", "stubborn", s -> TestPods.terminated("stubborn", 143)));

        String url = "http://127.0.0.1:" + Files.readString(portFile).strip() + "/quitquitquit";
        ProaRun proa = ProaRun.start(dir, env("job"), PidNamespaces.nsenter(pid1),
                List.of("--shutdown-timeout=20s", "-p", "stubborn=" + url, "--", "true"));

        assertEquals(0, proa.exitStatus(), proa.log());
        assertEquals("SIGTERM", Files.readString(dir.resolve("stubborn.quit.sigterm")).strip(), proa.log());
        assertTrue(proa.log().contains("Shutdown request POST " + url + " answered 200"), proa.log());
        assertTrue(proa.log().contains("Sidecar stubborn answered its shutdown request but still runs at the end of"
                + " its share of the shutdown timeout: sending SIGTERM to its processes"), proa.log());
        assertTrue(proa.log().contains(" of sidecar stubborn"), proa.log());
        assertTrue(proa.log().contains("Shutdown complete after"), proa.log());
        assertFalse(proa.log().contains("Shutdown timeout of"), proa.log());
    }
}
