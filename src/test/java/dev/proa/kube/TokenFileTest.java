package dev.proa.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.proa.RecordingLogger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token file read on every use, as the kubelet rotates it: one that goes bad keeps the last good token. */
class TokenFileTest {
    @TempDir Path dir;

    @Test
    void aTokenFileThatGoesBadIsSaidOnceAndTheLastGoodTokenSent() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "first-token\n");
        RecordingLogger log = new RecordingLogger();
        Cluster.TokenFile token = new Cluster.TokenFile(file, log);

        assertEquals("first-token", token.read(), "trimmed, as Go clients read it");
        Files.writeString(file, "");
        assertEquals("first-token", token.read());
        assertEquals("first-token", token.read());
        assertEquals(List.of("WARN The service account token file " + file + " is empty: sending the token read from it"
                + " before, until it is usable again"), log.lines, "said once");
        Files.writeString(file, "second-token");
        assertEquals("second-token", token.read(), "rotated");
        Files.delete(file);
        assertEquals("second-token", token.read());
        assertEquals(2, log.lines.size(), "a new problem is said again: " + log.lines);
    }
}
