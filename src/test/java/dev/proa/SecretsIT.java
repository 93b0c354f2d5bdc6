package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The service account's token never reaches the log, even when proa traces every request it sends. */
class SecretsIT extends EndToEnd {
    private static final String TOKEN = "proa-test-token-7f3a9c1e5b";

    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void theTokenIsMaskedInTraceLogs(String format) throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        Map<String, String> env = env("job");
        Files.writeString(dir.resolve("token"), TOKEN);
        env.put("PROA_LOG_LEVEL", "trace");
        ProaRun proa = ProaRun.start(dir, env, List.of("--log-format=" + format, "true"));

        assertEquals(0, proa.exitStatus(), proa.log());
        String log = proa.log() + proa.output();
        assertTrue(log.contains("Authorization: Bearer <masked>"), "the request was traced, its token masked:\n" + log);
        assertFalse(log.contains(TOKEN), "the token itself is nowhere:\n" + log);
        assertFalse(log.contains(TOKEN.substring(0, 12)), "nor a part of it:\n" + log);
    }

    @org.junit.jupiter.api.Test
    void aTokenFileEndingWithANewlineWorks() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        Map<String, String> env = env("job");
        Files.writeString(dir.resolve("token"), TOKEN + "\n"); // as `echo $TOKEN > token` writes it

        ProaRun proa = ProaRun.start(dir, env, List.of("touch", "ran"));

        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(Files.exists(dir.resolve("ran")));
    }

    @org.junit.jupiter.api.Test
    void anUnusableTokenIsNamedByItsFileNeverByItsContent() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        Map<String, String> env = env("job");
        Files.writeString(dir.resolve("token"), TOKEN + "\u0001" + TOKEN);

        ProaRun proa = ProaRun.start(dir, env, List.of("touch", "ran"));

        assertEquals(125, proa.exitStatus(), proa.log());
        assertFalse(Files.exists(dir.resolve("ran")));
        assertTrue(proa.log().contains("The service account token file " + dir.resolve("token") + " has a character"),
                proa.log());
        assertFalse(proa.log().contains(TOKEN.substring(0, 12)), "the token is nowhere in the log:\n" + proa.log());
    }
}
