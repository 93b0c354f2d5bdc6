package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code proa copy}, as {@code proa inject --mode=copy}'s init container runs it: the built distribution, as a non-root
 * user (proa's image runs as 65532), on a read-only root filesystem, into an emptyDir (a tmpfs, world-writable and
 * root's, as the kubelet makes it); then the copy runs, from where the main container mounts it.
 */
class CopyDistIT {

    @Test
    void theCopierFillsAnEmptyDirAsNonRootAndTheCopyRuns() throws Exception {
        Path dist = Dist.built();
        Dist.requireRoot("unshare, mount, setpriv");
        Path emptyDir = Files.createTempDirectory("proa-empty-dir");
        Path log = Files.createTempFile("proa-copy", ".log");
        try {
            String script = "mount -o remount,bind,ro / && mount -t tmpfs -o mode=1777 emptydir \"$1\" && "
                    + "setpriv --reuid=65532 --regid=65532 --clear-groups /usr/bin/env -i \"$2/bin/proa\" copy \"$1\" && "
                    + "setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/env -i \"$1/bin/proa\" --version";
            Process process = new ProcessBuilder("unshare", "--mount", "sh", "-c", script, "sh", emptyDir.toString(),
                    dist.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "did not finish: " + Files.readString(log));
            String output = Files.readString(log);
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("proa copy: copied " + dist + " to " + emptyDir), output);
            assertTrue(output.endsWith("proa 0.1.0\n"), "the copy runs: " + output);
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(emptyDir);
        }
    }
}
