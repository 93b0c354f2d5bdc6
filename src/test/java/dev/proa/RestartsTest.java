package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Pods;
import dev.proa.sidecars.Readiness;
import dev.proa.sidecars.Restarts;
import dev.proa.sidecars.Restarts.Asked;
import dev.proa.sidecars.Restarts.Leave;
import dev.proa.sidecars.Restarts.Stop;
import dev.proa.sidecars.Restarts.Verdict;
import dev.proa.sidecars.Sidecars.Choice;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerRestartRule;
import io.fabric8.kubernetes.api.model.ContainerRestartRuleOnExitCodes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Will the kubelet restart proa's container after this exit status, so that the sidecars must be left to the retry? */
class RestartsTest {

    /** The exit statuses each row of the table judges: success, COMMAND's failures, proa's own 125, a signal's 143. */
    private static final int[] STATUSES = {0, 1, 42, 125, 143};

    /** The container restart rules the table combines with each policy (KEP-5307), by a short name. */
    private static final Map<String, List<ContainerRestartRule>> RULES = Map.of(
            "none", List.of(),
            "In42", List.of(rule("Restart", "In", 42)),
            "NotIn0,1", List.of(rule("Restart", "NotIn", 0, 1)),
            "In0", List.of(rule("Restart", "In", 0)));

    /**
     * Every combination: the Pod's restartPolicy (- for unset, which the API server never leaves), proa's container's
     * own restartPolicy and rules, and the verdict for each of {@link #STATUSES} (L: leave the sidecars, S: stop them).
     * Rules count only with a container restartPolicy, as the kubelet applies them; the first matching rule restarts,
     * else the container's policy decides.
     */
    @ParameterizedTest(name = "pod {0}, container {1}, rules {2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            Always    | -         | none     | LLLLL
            Always    | -         | In42     | LLLLL
            Always    | -         | NotIn0,1 | LLLLL
            Always    | -         | In0      | LLLLL
            OnFailure | -         | none     | SLLLL
            OnFailure | -         | In42     | SLLLL
            OnFailure | -         | NotIn0,1 | SLLLL
            OnFailure | -         | In0      | SLLLL
            Never     | -         | none     | SSSSS
            Never     | -         | In42     | SSSSS
            Never     | -         | NotIn0,1 | SSSSS
            Never     | -         | In0      | SSSSS
            -         | -         | none     | SSSSS
            -         | -         | In42     | SSSSS
            -         | -         | NotIn0,1 | SSSSS
            -         | -         | In0      | SSSSS
            Always    | Always    | none     | LLLLL
            Always    | Always    | In42     | LLLLL
            Always    | Always    | NotIn0,1 | LLLLL
            Always    | Always    | In0      | LLLLL
            Always    | OnFailure | none     | SLLLL
            Always    | OnFailure | In42     | SLLLL
            Always    | OnFailure | NotIn0,1 | SLLLL
            Always    | OnFailure | In0      | LLLLL
            Always    | Never     | none     | SSSSS
            Always    | Never     | In42     | SSLSS
            Always    | Never     | NotIn0,1 | SSLLL
            Always    | Never     | In0      | LSSSS
            OnFailure | Always    | none     | LLLLL
            OnFailure | Always    | In42     | LLLLL
            OnFailure | Always    | NotIn0,1 | LLLLL
            OnFailure | Always    | In0      | LLLLL
            OnFailure | OnFailure | none     | SLLLL
            OnFailure | OnFailure | In42     | SLLLL
            OnFailure | OnFailure | NotIn0,1 | SLLLL
            OnFailure | OnFailure | In0      | LLLLL
            OnFailure | Never     | none     | SSSSS
            OnFailure | Never     | In42     | SSLSS
            OnFailure | Never     | NotIn0,1 | SSLLL
            OnFailure | Never     | In0      | LSSSS
            Never     | Always    | none     | LLLLL
            Never     | Always    | In42     | LLLLL
            Never     | Always    | NotIn0,1 | LLLLL
            Never     | Always    | In0      | LLLLL
            Never     | OnFailure | none     | SLLLL
            Never     | OnFailure | In42     | SLLLL
            Never     | OnFailure | NotIn0,1 | SLLLL
            Never     | OnFailure | In0      | LLLLL
            Never     | Never     | none     | SSSSS
            Never     | Never     | In42     | SSLSS
            Never     | Never     | NotIn0,1 | SSLLL
            Never     | Never     | In0      | LSSSS
            -         | Always    | none     | LLLLL
            -         | OnFailure | none     | SLLLL
            -         | Never     | In42     | SSLSS
            """)
    void theKubeletsRuleForEveryPolicyRuleAndStatus(String podPolicy, String ownPolicy, String rules, String expected) {
        Pod pod = pod(policy(podPolicy), policy(ownPolicy), RULES.get(rules));
        for (int i = 0; i < STATUSES.length; i++) {
            Verdict verdict = Restarts.judge(Asked.BY_POD, seen(pod), Choice.ALL, STATUSES[i]);
            String got = verdict instanceof Leave ? "L" : "S";
            assertEquals(String.valueOf(expected.charAt(i)), got, "exit status " + STATUSES[i] + ": " + verdict);
        }
    }

    /** The options first, then what cannot be known: each is a stop, as before this rule, whatever the policy says. */
    static Stream<Arguments> beyondThePolicy() {
        Pod onFailure = pod("OnFailure", null, List.of());
        Pod deleting = new PodBuilder(onFailure).editMetadata().withDeletionTimestamp("2026-12-06T20:00:00Z").endMetadata()
                .build();
        return Stream.of(
                arguments("--always-shutdown stops them after a failure under OnFailure", Asked.ALWAYS, seen(onFailure), Choice.ALL, 1, "S"),
                arguments("--always-shutdown, Pod unseen", Asked.ALWAYS, PodView.UNSEEN, Choice.ALL, 1, "S"),
                arguments("--no-shutdown-on-failure keeps them after a failure under Never",
                        Asked.KEEP_ON_FAILURE, seen(pod("Never", null, List.of())), Choice.ALL, 1, "L"),
                arguments("--no-shutdown-on-failure keeps them with the Pod unseen", Asked.KEEP_ON_FAILURE, PodView.UNSEEN, Choice.ALL, 125, "L"),
                arguments("--no-shutdown-on-failure, status 0: the Pod decides (Never: stop)",
                        Asked.KEEP_ON_FAILURE, seen(pod("Never", null, List.of())), Choice.ALL, 0, "S"),
                arguments("--no-shutdown-on-failure, status 0: the Pod decides (Always: leave)",
                        Asked.KEEP_ON_FAILURE, seen(pod("Always", null, List.of())), Choice.ALL, 0, "L"),
                arguments("the Pod never seen (no API, or no Pod): stop as before", Asked.BY_POD, PodView.UNSEEN, Choice.ALL, 1, "S"),
                arguments("the Pod deleted", Asked.BY_POD, new PodView(onFailure, true, null, false), Choice.ALL, 1, "S"),
                arguments("the Pod being deleted: the kubelet restarts nothing", Asked.BY_POD, seen(deleting), Choice.ALL, 143, "S"),
                arguments("access denied since: the spec seen is still the Pod's (it cannot change)",
                        Asked.BY_POD, new PodView(onFailure, false, "403", true), Choice.ALL, 1, "L"),
                arguments("--container names a container the Pod lacks", Asked.BY_POD, seen(onFailure),
                        new Choice("nope", List.of(), List.of()), 1, "S"),
                arguments("proa's container is the second: its own policy counts, not the first's",
                        Asked.BY_POD, seen(twoContainers()), new Choice("main", List.of(), List.of()), 1, "L"),
                arguments("the first container of the same Pod has no policy of its own: the Pod's Never",
                        Asked.BY_POD, seen(twoContainers()), new Choice("proxy", List.of(), List.of()), 1, "S"),
                arguments("the container proa runs in, from its mounts", Asked.BY_POD, seen(twoContainers()),
                        new Choice(null, "main", List.of(), List.of()), 1, "L"),
                arguments("an operator the kubelet does not know matches nothing",
                        Asked.BY_POD, seen(pod("Never", "Never", List.of(rule("Restart", "Bogus", 1)))), Choice.ALL, 1, "S"),
                arguments("a matching rule of another action falls back to the container's policy (Never)",
                        Asked.BY_POD, seen(pod("Never", "Never", List.of(rule("Pause", "In", 1), rule("Restart", "In", 1)))),
                        Choice.ALL, 1, "S"),
                arguments("the first matching rule decides, the later ones too are read when it does not match",
                        Asked.BY_POD, seen(pod("Never", "Never", List.of(rule("Restart", "In", 2), rule("Restart", "In", 1)))),
                        Choice.ALL, 1, "L"),
                arguments("a rule without exit codes matches nothing", Asked.BY_POD,
                        seen(pod("Never", "Never", List.of(new ContainerRestartRule("Restart", null)))), Choice.ALL, 1, "S"),
                arguments("a Pod without a spec (a shape the API server never sends)", Asked.BY_POD,
                        seen(new PodBuilder(onFailure).withSpec(null).build()), Choice.ALL, 1, "S"),
                arguments("a rule list holding a null", Asked.BY_POD,
                        seen(pod("Never", "Never", java.util.Arrays.asList((ContainerRestartRule) null))), Choice.ALL, 1, "S"),
                arguments("a restart policy proa does not know: stop", Asked.BY_POD, seen(pod("Sometimes", null, List.of())),
                        Choice.ALL, 1, "S"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("beyondThePolicy")
    void optionsAndWhatCannotBeKnown(String name, Asked asked, PodView view, Choice choice, int status, String expected) {
        Verdict verdict = Restarts.judge(asked, view, choice, status);
        assertEquals(expected, verdict instanceof Leave ? "L" : "S", verdict::toString);
    }

    @Test
    void theLineNamesTheContainerAndTheRuleThatRestartsIt() {
        Pod pod = pod("Never", "Never", List.of(rule("Restart", "In", 42)));
        Leave leave = assertInstanceOf(Leave.class, Restarts.judge(Asked.BY_POD, seen(pod), Choice.ALL, 42));
        assertEquals("Exit status 42: the kubelet will restart container main (its restartPolicyRules[0] (action"
                + " Restart, exitCodes In [42]) restarts it on exit status 42), so proa leaves the sidecars running for the"
                + " retry and sends no shutdown request (--always-shutdown stops them regardless)", Restarts.sentence(leave, 42));
        Leave byPod = assertInstanceOf(Leave.class,
                Restarts.judge(Asked.BY_POD, seen(pod("OnFailure", null, List.of())), Choice.ALL, 1));
        assertEquals("the Pod's restartPolicy OnFailure restarts it after a non-zero exit status", byPod.because());
        Leave option = assertInstanceOf(Leave.class,
                Restarts.judge(Asked.KEEP_ON_FAILURE, PodView.UNSEEN, Choice.ALL, 3));
        assertEquals("Exit status 3: leaving the sidecars running (--no-shutdown-on-failure)", Restarts.sentence(option, 3));
        assertInstanceOf(Stop.class, Restarts.judge(Asked.BY_POD, seen(pod("OnFailure", null, List.of())), Choice.ALL, 0));
    }

    /** The rules reach the decision through the API's JSON, as proa reads its Pod (a generic resource). */
    @ParameterizedTest(name = "status {0}")
    @CsvSource({"42, L", "1, S", "0, S"})
    void theRulesAreReadFromThePodsJson(int status, String expected) {
        Pod pod = pod("Never", "Never", List.of(rule("Restart", "In", 7, 42)));
        Pod read = Pods.fromResource(Serialization.unmarshal(Serialization.asJson(pod), GenericKubernetesResource.class));

        Container own = read.getSpec().getContainers().getFirst();
        assertEquals("Never", own.getRestartPolicy());
        assertEquals(pod.getSpec().getContainers().getFirst().getRestartPolicyRules(), own.getRestartPolicyRules());
        Verdict verdict = Restarts.judge(Asked.BY_POD, seen(read), Choice.ALL, status);
        assertEquals(expected, verdict instanceof Leave ? "L" : "S", verdict::toString);
    }

    @Test
    void oddRuleShapesInTheJsonMatchNothing() {
        String json = """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "job", "namespace": "jobs"},
                 "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "restartPolicy": "Never",
                   "restartPolicyRules": [{"action": "Restart"}, {"action": "Restart", "exitCodes": {"values": [1]}},
                                          {"action": "Restart", "exitCodes": {"operator": "In", "values": ["1", null]}},
                                          "junk"]}]}}""";
        Pod read = Pods.fromResource(Serialization.unmarshal(json, GenericKubernetesResource.class));
        assertInstanceOf(Stop.class, Restarts.judge(Asked.BY_POD, seen(read), Choice.ALL, 1));
    }

    /** The sidecars are judged by the same rule: one that a rule restarts is waited for, not a failed startup. */
    @ParameterizedTest(name = "sidecar exits {0}")
    @CsvSource({"1, Waiting", "0, Failed", "42, Waiting"})
    void aSidecarsRestartRulesCountForTheStartupToo(int code, String expected) {
        Pod pod = pod("Never", null, List.of());
        Container proxy = pod.getSpec().getContainers().get(1);
        proxy.setRestartPolicy("Never");
        proxy.setRestartPolicyRules(List.of(rule("Restart", "NotIn", 0)));
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .withContainerStatuses(TestPods.running("main", true), TestPods.terminated("proxy", code)).build());
        Readiness.Verdict verdict = Readiness.judge(pod, Choice.ALL);
        assertEquals(expected, verdict.getClass().getSimpleName(), verdict::toString);
    }

    private static PodView seen(Pod pod) {
        return new PodView(pod, false, null, false);
    }

    private static String policy(String cell) {
        return cell.equals("-") ? null : cell;
    }

    /** A Pod whose first container, "main", is proa's, with a sidecar "proxy" after it. */
    private static Pod pod(String podPolicy, String ownPolicy, List<ContainerRestartRule> rules) {
        return new PodBuilder()
                .withNewMetadata().withName("job").withNamespace("jobs").endMetadata()
                .withNewSpec().withRestartPolicy(podPolicy)
                .addToContainers(new ContainerBuilder().withName("main").withRestartPolicy(ownPolicy)
                        .withRestartPolicyRules(new ArrayList<>(rules)).build())
                .addToContainers(new ContainerBuilder().withName("proxy").build())
                .endSpec().build();
    }

    /** proa's container second, with its own OnFailure, in a Pod whose policy is Never. */
    private static Pod twoContainers() {
        return new PodBuilder()
                .withNewMetadata().withName("job").withNamespace("jobs").endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addToContainers(new ContainerBuilder().withName("proxy").build())
                .addToContainers(new ContainerBuilder().withName("main").withRestartPolicy("OnFailure").build())
                .endSpec().build();
    }

    private static ContainerRestartRule rule(String action, String operator, Integer... codes) {
        return new ContainerRestartRule(action, new ContainerRestartRuleOnExitCodes(operator, Arrays.asList(codes)));
    }
}
