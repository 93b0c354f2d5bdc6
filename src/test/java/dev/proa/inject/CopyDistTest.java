package dev.proa.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code proa copy}: the copier init container's copy of the distribution keeps what makes it run. */
class CopyDistTest {
    @TempDir
    Path dir;

    @Test
    void theTreeIsCopiedWithItsPermissionsAndLinks() throws Exception {
        Path dist = Files.createDirectories(dir.resolve("proa/bin"));
        Files.writeString(dist.resolve("proa"), "launcher");
        Files.setPosixFilePermissions(dist.resolve("proa"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lib = Files.createDirectories(dir.resolve("proa/runtime/lib"));
        Files.writeString(lib.resolve("libjvm.so"), "jvm");
        Files.createSymbolicLink(lib.resolve("libjvm-link.so"), Path.of("libjvm.so"));
        Path target = Files.createDirectories(dir.resolve("emptyDir"));
        Files.writeString(target.resolve("stale"), "from an earlier run");

        CopyDist.copy(dir.resolve("proa"), target);
        CopyDist.copy(dir.resolve("proa"), target); // the init container restarted: the same again

        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("bin/proa"))));
        assertEquals("launcher", Files.readString(target.resolve("bin/proa")));
        assertTrue(Files.isSymbolicLink(target.resolve("runtime/lib/libjvm-link.so")));
        assertEquals(Path.of("libjvm.so"), Files.readSymbolicLink(target.resolve("runtime/lib/libjvm-link.so")));
    }

    @Test
    void outsideItsDistributionItSaysSo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = CopyDist.run(List.of(dir.toString()), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("does not run from its distribution"), err.toString());
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        assertEquals(2, CopyDist.run(List.of(), System.out, new PrintStream(none, true, StandardCharsets.UTF_8)));
        assertTrue(none.toString(StandardCharsets.UTF_8).contains("DIR"), none.toString());
    }
}
