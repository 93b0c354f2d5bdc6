package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.proa.sidecars.ReadinessProbes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadinessProbesTest {
    private static Map<String, Object> spec(Map<String, Object> container) {
        return Map.of("containers", List.of(Map.of("name", "main"), container));
    }

    @Test
    void eachKindOfProbeInWords() {
        record Row(Map<String, Object> probe, String words) {}
        List<Row> rows = List.of(
                new Row(Map.of("httpGet", Map.of("path", "/ready", "port", 8080)), "readiness probe HTTP GET :8080/ready"),
                new Row(Map.of("httpGet", Map.of("port", "http", "scheme", "HTTPS")), "readiness probe HTTPS GET :http/"),
                new Row(Map.of("tcpSocket", Map.of("port", 5432)), "readiness probe TCP :5432"),
                new Row(Map.of("grpc", Map.of("port", 9000)), "readiness probe gRPC :9000"),
                new Row(Map.of("exec", Map.of("command", List.of("cat", "/tmp/ready"))), "readiness probe exec cat /tmp/ready"),
                new Row(Map.of("periodSeconds", 1), "a readiness probe of a kind proa does not know"));
        for (Row row : rows) {
            assertEquals(row.words(), ReadinessProbes.describe(spec(Map.of("name", "proxy", "readinessProbe", row.probe())), "proxy"));
        }
    }

    @Test
    void noProbeMeansReadyAsSoonAsItRuns() {
        assertEquals("no readiness probe: ready as soon as it runs", ReadinessProbes.describe(spec(Map.of("name", "proxy")), "proxy"));
        Map<String, Object> nativeSidecar = Map.of("initContainers", List.of(Map.of("name", "logger", "restartPolicy", "Always")));
        assertEquals("no readiness probe: ready as soon as it runs", ReadinessProbes.describe(nativeSidecar, "logger"));
    }

    @Test
    void aContainerThePodLacksHasNoDescription() {
        assertNull(ReadinessProbes.describe(spec(Map.of("name", "proxy")), "envoy"));
    }
}
