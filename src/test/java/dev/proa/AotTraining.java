package dev.proa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/**
 * Trains the distribution's AOT cache on the paths runs take: HTTPS to the API server in-cluster style, waiting for a
 * sidecar that becomes ready and for an HTTP endpoint (--wait-http), running COMMAND, the shutdown request, and waiting
 * for the sidecar to stop.
 * Run by src/build/dist: {@code AotTraining DIST_DIR}; writes DIST_DIR/lib/proa.aot.
 */
public final class AotTraining {
    public static void main(String[] args) throws Exception {
        Path dist = Path.of(args[0]).toAbsolutePath();
        Path cache = dist.resolve("lib/proa.aot");
        Path work = Files.createTempDirectory("proa-aot");
        java.util.concurrent.CountDownLatch shutdownAsked = new java.util.concurrent.CountDownLatch(1);
        try (MockCluster cluster = new MockCluster(true); MockWebServer sidecar = new MockWebServer()) {
            cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
            sidecar.setDispatcher(new mockwebserver3.Dispatcher() {
                @Override
                public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
                    if (request.getMethod().equals("POST")) shutdownAsked.countDown();
                    return new MockResponse.Builder().code(200).build();
                }
            });
            sidecar.start();
            Map<String, String> env = new HashMap<>(cluster.inClusterEnvironment(work));
            env.put("POD_NAME", "job");
            env.put("PATH", System.getenv("PATH"));
            // The JVM writes the cache as it exits: proa must take the JVM's exit, not its own quick one.
            env.put("PROA_JVM_OPTIONS", "-XX:AOTCacheOutput=" + cache + " -Dproa.jvmExit=true");
            // --wait-http as well as the Pod: a run without the API (only --wait-http or --wait-tcp) takes the
            // probe's path, and finds it in the cache too.
            ProcessBuilder builder = new ProcessBuilder(dist.resolve("bin/proa").toString(), "--wait-for=proxy",
                    "--wait-http=" + sidecar.url("/ready"), "--shutdown-http-post=" + sidecar.url("/quitquitquit"),
                    "--", "true")
                    .directory(work.toFile()).inheritIO();
            builder.environment().clear();
            builder.environment().putAll(env);
            Process proa = builder.start();

            Thread.sleep(1500); // proa is waiting by now
            cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));
            if (!shutdownAsked.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("no shutdown request");
            cluster.setStatus("job", "proxy", s -> TestPods.terminated("proxy", 0));
            if (!proa.waitFor(120, TimeUnit.SECONDS) || proa.exitValue() != 0) {
                throw new IllegalStateException("the training run of proa failed");
            }
        } finally {
            deleteTree(work);
        }
        if (!Files.isRegularFile(cache)) throw new IllegalStateException("no AOT cache was written to " + cache);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
