package dev.proa;

import dev.proa.lifecycle.Deadline;
import dev.proa.lifecycle.MainsWait;
import dev.proa.lifecycle.Shutdown;
import dev.proa.lifecycle.Sources;
import dev.proa.sidecars.Mains;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Pods;
import dev.proa.sidecars.Readiness;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.Sidecars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pods of shapes no API server sends (a proxy, a webhook gone wrong, a fake can): the pure reader reads them without
 * failing and names what is wrong in one sentence; every decision then answers with that sentence, never an exception.
 */
class PodShapesTest {
    private static final String META = "\"metadata\":{\"name\":\"x\",\"namespace\":\"jobs\"}";
    private static final String OK_STATUS = "\"status\":{\"containerStatuses\":[{\"name\":\"main\",\"ready\":true}]}";

    private static Pod read(String json) {
        return Pods.fromResource(Serialization.unmarshal(json, GenericKubernetesResource.class));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        spec null                      | {META,"spec":null}                                                           | Pod jobs/x has no containers in its spec
        no spec                        | {META}                                                                       | Pod jobs/x has no containers in its spec
        spec {}                        | {META,"spec":{}}                                                             | Pod jobs/x has no containers in its spec
        spec a string                  | {META,"spec":"containers"}                                                   | Pod jobs/x has no containers in its spec
        containers empty               | {META,"spec":{"containers":[]}}                                              | Pod jobs/x has no containers in its spec
        containers null                | {META,"spec":{"containers":null}}                                            | Pod jobs/x has no containers in its spec
        containers a string            | {META,"spec":{"containers":"main"}}                                          | Pod jobs/x has no list of containers: its spec.containers is not a list
        containers a number            | {META,"spec":{"containers":3}}                                               | Pod jobs/x has no list of containers: its spec.containers is not a list
        containers a map               | {META,"spec":{"containers":{"name":"main"}}}                                 | Pod jobs/x has no list of containers: its spec.containers is not a list
        initContainers a map           | {META,"spec":{"containers":[{"name":"main"}],"initContainers":{}}}           | Pod jobs/x's spec.initContainers is not a list
        first container nameless       | {META,"spec":{"containers":[{"image":"app"},{"name":"proxy"}]}}              | container #1 of Pod jobs/x has no name
        second container nameless      | {META,"spec":{"containers":[{"name":"main"},{"image":"proxy"}]}}             | container #2 of Pod jobs/x has no name
        a container's name empty       | {META,"spec":{"containers":[{"name":"main"},{"name":""}]}}                   | container #2 of Pod jobs/x has no name
        a container a string           | {META,"spec":{"containers":[{"name":"main"},"proxy"]}}                       | container #2 of Pod jobs/x has no name
        a container null               | {META,"spec":{"containers":[{"name":"main"},null]}}                          | container #2 of Pod jobs/x has no name
        init container nameless        | {META,"spec":{"containers":[{"name":"main"}],"initContainers":[{"restartPolicy":"Always"}]}} | init container #1 of Pod jobs/x has no name
        duplicate names                | {META,"spec":{"containers":[{"name":"main"},{"name":"proxy"},{"name":"proxy"}]}} | Pod jobs/x has two containers named proxy
        duplicate across init          | {META,"spec":{"containers":[{"name":"main"},{"name":"proxy"}],"initContainers":[{"name":"proxy","restartPolicy":"Always"}]}} | Pod jobs/x has two containers named proxy
        containerStatuses a string     | {META,"spec":{"containers":[{"name":"main"},{"name":"proxy"}]},"status":{"containerStatuses":"ready"}} | Pod jobs/x's status.containerStatuses is not a list
        containerStatuses a map        | {META,"spec":{"containers":[{"name":"main"},{"name":"proxy"}]},"status":{"containerStatuses":{"name":"proxy"}}} | Pod jobs/x's status.containerStatuses is not a list
        initContainerStatuses a number | {META,"spec":{"containers":[{"name":"main"},{"name":"proxy"}]},"status":{"initContainerStatuses":1}} | Pod jobs/x's status.initContainerStatuses is not a list
        """)
    void namesWhatIsWrongAndEveryDecisionSaysIt(String shape, String json, String why) throws Exception {
        Pod pod = read(json.replace("{META", "{" + META));

        assertEquals(new Pods.Malformed(why), Pods.shape(pod));
        assertEquals(new Readiness.Failed(why, false), Readiness.judge(pod, Sidecars.Choice.ALL));
        Sidecars.Choice withMains = new Sidecars.Choice(null, null, List.of(), List.of(), List.of("other"));
        assertEquals(why, assertThrows(Sidecars.NotInPod.class, () -> Sidecars.select(pod, withMains)).getMessage());
        assertEquals(why, assertThrows(Sidecars.NotInPod.class, () -> Mains.turn(pod, withMains)).getMessage());
        assertEquals(why, assertThrows(Sidecars.NotInPod.class, () -> Mains.others(pod, withMains)).getMessage());
        // The shutdown still runs on such a Pod: its timeout, the wait for other mains, and its first step.
        PodView seen = new PodView(pod, false, null, false);
        MainsWait.Step wait = MainsWait.begin(new MainsWait.Rules(withMains,
                Deadline.of(Optional.empty(), seen, 0), true), seen, 0);
        assertEquals(Optional.of(MainsWait.Decision.STOP_SIDECARS), wait.decided());
        assertTrue(wait.lines().getFirst().text().startsWith(why), wait.lines().toString());
        StopPlan oneRequest = StopPlan.withoutPod(new StopPlan.Options(List.of("-p"),
                List.of(new StopPlan.Request("POST", "http://127.0.0.1:1/quit", null)), true));
        Shutdown.Step stop = Shutdown.begin(new Shutdown.Rules(new Sources(true, List.of()), Sidecars.Choice.ALL,
                Deadline.of(Optional.empty(), seen, 0), false, oneRequest), seen, 0);
        assertTrue(stop.ended().isEmpty(), "the request is still to be answered");
    }

    /** A status the kubelet could not have written (no name) belongs to no container: it is left out, not a failure. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a status without a name   | [{"ready":true},{"name":"main","ready":true}]                 | proxy
        a status with a null name | [{"name":null,"ready":true},{"name":"main","ready":true}]     | proxy
        a status not a map        | ["proxy",{"name":"main","ready":true}]                        | proxy
        """)
    void statusesWithoutNamesAreIgnored(String shape, String statuses, String pending) {
        Pod pod = read("{" + META + ",\"spec\":{\"containers\":[{\"name\":\"main\"},{\"name\":\"proxy\"}]},"
                + "\"status\":{\"containerStatuses\":" + statuses + "}}");

        assertInstanceOf(Pods.Usable.class, Pods.shape(pod));
        Readiness.Waiting waiting = assertInstanceOf(Readiness.Waiting.class, Readiness.judge(pod, Sidecars.Choice.ALL));
        assertEquals(List.of(pending), waiting.pending().stream().map(Readiness.Pending::container).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        the usual Pod         | {"containers":[{"name":"main"},{"name":"proxy"}]}
        no initContainers     | {"containers":[{"name":"main"},{"name":"proxy"}],"initContainers":null}
        """)
    void aUsualPodIsUsable(String shape, String spec) {
        Pod pod = read("{" + META + ",\"spec\":" + spec + "," + OK_STATUS + "}");
        assertInstanceOf(Pods.Usable.class, Pods.shape(pod));
    }
}
