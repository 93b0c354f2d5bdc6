package dev.proa.check;

import java.util.List;

/**
 * What {@code proa check} found: which Pod and container proa takes itself to be, the sidecars it will wait for and
 * how each becomes ready and is stopped, the readiness targets, what the service account may do, what answered, and
 * the list of what to fix. Built up by {@link Check}; rendered as text or (by Jackson) as one JSON document.
 */
public record Report(Identity identity, List<SidecarPlan> sidecars, List<String> targets, List<Permission> permissions,
        List<Probe> probes, List<String> problems) {

    /** Each value with where it came from (a flag, a variable, the host name, the kubelet mounts, the client). */
    public record Identity(String pod, String podSource, String namespace, String namespaceSource, String container,
            String containerSource, String apiServer) {}

    /**
     * One sidecar, in the order the shutdown stops them: {@code phase} when it is stopped (null: a native sidecar, or
     * a plan of one phase); {@code escalation}: what follows if it answers and keeps running (null: nothing).
     */
    public record SidecarPlan(String name, boolean isNative, String readiness, String shutdown, String phase,
            String escalation) {}

    /** {@code allowed} is null when the API server could not be asked; then {@code error} says why. */
    public record Permission(String verb, String resource, Boolean allowed, String error) {}

    public record Probe(String target, boolean answered, String result) {}

    public boolean complete() {
        return problems.isEmpty();
    }

    /** For a person: one fact per line, then the verdict and what to fix. */
    public String text() {
        StringBuilder out = new StringBuilder();
        if (identity != null) {
            out.append("Pod:        ").append(identity.namespace()).append('/').append(identity.pod())
                    .append(" (name from ").append(identity.podSource()).append(", namespace from ")
                    .append(identity.namespaceSource()).append(")\n");
            out.append("Container:  ").append(identity.container() == null ? "(unknown)" : identity.container())
                    .append(" (from ").append(identity.containerSource()).append(")\n");
            out.append("API server: ").append(identity.apiServer()).append('\n');
        }
        if (!sidecars.isEmpty()) out.append("Sidecars:\n");
        for (SidecarPlan s : sidecars) {
            out.append("  ").append(s.name()).append(s.isNative() ? " (native)" : "").append('\n')
                    .append("    ready:   ").append(s.readiness()).append('\n')
                    .append("    stopped: ").append(s.shutdown()).append('\n');
            if (s.phase() != null) out.append("    phase:   ").append(s.phase()).append('\n');
            if (s.escalation() != null) out.append("    then:    ").append(s.escalation()).append('\n');
        }
        if (!targets.isEmpty()) out.append("Readiness targets: ").append(String.join(", ", targets)).append('\n');
        if (!permissions.isEmpty()) out.append("Permissions:\n");
        for (Permission p : permissions) {
            out.append("  ").append(p.verb()).append(' ').append(p.resource()).append(": ")
                    .append(p.allowed() == null ? "could not ask (" + p.error() + ")" : p.allowed() ? "allowed" : "DENIED")
                    .append('\n');
        }
        if (!probes.isEmpty()) out.append("Probes:\n");
        for (Probe p : probes) out.append("  ").append(p.target()).append(": ").append(p.result()).append('\n');
        if (complete()) {
            out.append("\nThe plan is complete and permitted.\n");
        } else {
            out.append("\nTo fix:\n");
            for (String problem : problems) out.append("  - ").append(problem.replace("\n", "\n    ")).append('\n');
        }
        return out.toString();
    }
}
