package dev.proa;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the end-to-end tests share: a directory of their own, the mock API server over HTTPS, and the in-cluster
 * environment of a proa process in Pod "job" (or another).
 */
abstract class EndToEnd {
    @TempDir Path dir;
    MockCluster cluster;

    @BeforeEach
    void startCluster() {
        cluster = new MockCluster(true);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    Map<String, String> env(String pod) throws Exception {
        Map<String, String> env = new HashMap<>(cluster.inClusterEnvironment(dir));
        env.put("POD_NAME", pod);
        return env;
    }
}
