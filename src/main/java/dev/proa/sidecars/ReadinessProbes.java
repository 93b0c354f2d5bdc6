package dev.proa.sidecars;

import java.util.List;
import java.util.Map;

/**
 * How a container becomes ready, in words, from its spec as the API server sends it (a tree of maps): its readiness
 * probe, or none, in which case the kubelet reports it ready as soon as it runs. For {@code proa check}.
 */
public final class ReadinessProbes {
    private ReadinessProbes() {}

    /** The readiness of the container named {@code name} in a Pod's {@code spec}, or null when it has no such one. */
    public static String describe(Map<String, Object> spec, String name) {
        for (String list : List.of("containers", "initContainers")) {
            if (!(spec.get(list) instanceof List<?> containers)) continue;
            for (Object container : containers) {
                if (container instanceof Map<?, ?> c && name.equals(c.get("name"))) return describe(c.get("readinessProbe"));
            }
        }
        return null;
    }

    static String describe(Object probe) {
        if (!(probe instanceof Map<?, ?> p)) return "no readiness probe: ready as soon as it runs";
        if (p.get("httpGet") instanceof Map<?, ?> http) {
            String scheme = http.get("scheme") == null ? "HTTP" : String.valueOf(http.get("scheme"));
            String path = http.get("path") == null ? "/" : String.valueOf(http.get("path"));
            return "readiness probe " + scheme + " GET :" + http.get("port") + path;
        }
        if (p.get("tcpSocket") instanceof Map<?, ?> tcp) return "readiness probe TCP :" + tcp.get("port");
        if (p.get("grpc") instanceof Map<?, ?> grpc) return "readiness probe gRPC :" + grpc.get("port");
        if (p.get("exec") instanceof Map<?, ?> exec) {
            Object command = exec.get("command");
            return "readiness probe exec " + (command instanceof List<?> words ? String.join(" ", words.stream().map(String::valueOf).toList()) : "");
        }
        return "a readiness probe of a kind proa does not know";
    }
}
