package dev.proa.sidecars;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerRestartRule;
import io.fabric8.kubernetes.api.model.ContainerRestartRuleOnExitCodes;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * After COMMAND, before the shutdown: will the kubelet start proa's own container again when proa exits with this
 * status? Then stopping the sidecars breaks the retry: under {@code restartPolicy: OnFailure} a sidecar that exits 0
 * when asked to stop is never started again, and every retry of proa finds it terminated and fails. So a container
 * that will be restarted leaves its sidecars to the retry. A pure function of the options, the Pod and the status.
 * <p>
 * The kubelet's rule, as it applies it to a regular container (its {@code ContainerShouldRestart}): when the
 * container has its own {@code restartPolicy}, the first of its {@code restartPolicyRules} (KEP-5307) whose exit codes
 * match decides ({@code action: Restart}, the only action there is); no rule matching, the container's own policy
 * decides; without one, the Pod's. {@code Always} restarts whatever the status, {@code OnFailure} a non-zero one,
 * {@code Never} none. The status judged is proa's own exit status, whatever made it: the kubelet sees only that, so
 * a startup that failed (193 or 125), a COMMAND not found (127) or a signal before COMMAND (128+N) are restarted like a
 * COMMAND that failed, and the retry waits for the sidecars afresh (a startup timeout then gets a second chance with
 * the sidecars still up).
 * <p>
 * Whatever proa cannot tell, it stops the sidecars, as before this rule: a wrong "will be restarted" would leave them
 * running under a Pod that then never completes, while a wrong "will not" only costs the retry. So: the Pod never
 * seen (no API, or no Pod), deleted, being deleted (the kubelet restarts nothing in a terminating Pod), proa's
 * container not in it, or a policy proa does not know (the API server always sets the Pod's).
 */
public final class Restarts {
    private Restarts() {}

    /** What the options ask of the shutdown when proa's container will be restarted. */
    public enum Asked {
        /** The default: leave the sidecars when the kubelet will restart proa's container, else stop them. */
        BY_POD,
        /** {@code --no-shutdown-on-failure}: leave them after any non-zero status, whatever the Pod says. */
        KEEP_ON_FAILURE,
        /** {@code --always-shutdown}: stop them whatever the status and the Pod. */
        ALWAYS;

        public static Asked of(boolean keepOnFailure, boolean always) {
            return always ? ALWAYS : keepOnFailure ? KEEP_ON_FAILURE : BY_POD;
        }
    }

    public sealed interface Verdict {}

    /** Leave the sidecars running, send nothing, exit now: {@code because} names the policy, rule or option. */
    public record Leave(String container, String because) implements Verdict {}

    /** Stop the sidecars as usual; {@code because} says why, for the debug log. */
    public record Stop(String because) implements Verdict {}

    public static Verdict judge(Asked asked, PodView view, Sidecars.Choice choice, int status) {
        if (asked == Asked.ALWAYS) return new Stop("--always-shutdown");
        if (asked == Asked.KEEP_ON_FAILURE && status != 0) return new Leave(null, "--no-shutdown-on-failure");
        Pod pod = view.pod();
        if (pod == null || view.gone()) return new Stop("the Pod is not known, so neither is its restart policy");
        if (pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null) {
            return new Stop("the Pod is being deleted: the kubelet restarts none of its containers");
        }
        Container own;
        try {
            String name = Sidecars.ownContainer(pod, choice);
            own = pod.getSpec().getContainers().stream().filter(c -> name.equals(c.getName())).findFirst().orElseThrow();
        } catch (Sidecars.NotInPod | RuntimeException e) {
            return new Stop("proa's container is not one of the Pod's");
        }
        try {
            return byKubelet(pod.getSpec().getRestartPolicy(), own, status);
        } catch (RuntimeException e) {
            // An odd Pod must not cost the shutdown: what cannot be read is what cannot be told.
            return new Stop("the restart policy of container " + own.getName() + " cannot be read (" + e + ")");
        }
    }

    /**
     * Whether the kubelet restarts regular container {@code container} of {@code pod} after exit code {@code code}, by
     * the same rule (for the sidecars and the other main containers); a Pod without a restartPolicy counts as
     * {@code Always}, the API server's default.
     */
    public static boolean willRestart(Pod pod, Container container, int code) {
        String podPolicy = pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
        return byKubelet(podPolicy, container, code) instanceof Leave;
    }

    private static Verdict byKubelet(String podPolicy, Container own, int status) {
        String name = own.getName();
        if (own.getRestartPolicy() != null) {
            List<ContainerRestartRule> rules = own.getRestartPolicyRules() == null ? List.of() : own.getRestartPolicyRules();
            for (int i = 0; i < rules.size(); i++) {
                ContainerRestartRule rule = rules.get(i);
                if (!matches(rule.getExitCodes(), status)) continue;
                if (RESTART.equals(rule.getAction())) {
                    return new Leave(name, "its restartPolicyRules[" + i + "] (action Restart, exitCodes "
                            + rule.getExitCodes().getOperator() + " " + rule.getExitCodes().getValues()
                            + ") restarts it on exit status " + status);
                }
                break; // the kubelet: a matching rule of another action falls back to the container's policy
            }
            return byPolicy(name, own.getRestartPolicy(), "its own restartPolicy", status);
        }
        return byPolicy(name, podPolicy, "the Pod's restartPolicy", status);
    }

    private static Verdict byPolicy(String container, String policy, String whose, int status) {
        if (policy == null) return new Stop(whose + " is not set");
        return switch (policy) {
            case "Always" -> new Leave(container, whose + " Always restarts it whatever its exit status");
            case "OnFailure" -> status != 0
                    ? new Leave(container, whose + " OnFailure restarts it after a non-zero exit status")
                    : new Stop(whose + " OnFailure does not restart it after exit status 0");
            case "Never" -> new Stop(whose + " Never");
            default -> new Stop(whose + " " + policy + " is not one proa knows");
        };
    }

    private static final String RESTART = "Restart";

    /** The kubelet's match: In when the status is among the values, NotIn when it is not; another operator never. */
    static boolean matches(ContainerRestartRuleOnExitCodes codes, int status) {
        if (codes == null || codes.getOperator() == null) return false;
        boolean among = codes.getValues() != null && codes.getValues().contains(status);
        return switch (codes.getOperator()) {
            case "In" -> among;
            case "NotIn" -> !among;
            default -> false;
        };
    }

    /** The line proa logs when it leaves the sidecars running. */
    public static String sentence(Leave leave, int status) {
        if (leave.container() == null) {
            return "Exit status " + status + ": leaving the sidecars running (" + leave.because() + ")";
        }
        return "Exit status " + status + ": the kubelet will restart container " + leave.container() + " (" + leave.because()
                + "), so proa leaves the sidecars running for the retry and sends no shutdown request"
                + " (--always-shutdown stops them regardless)";
    }
}
