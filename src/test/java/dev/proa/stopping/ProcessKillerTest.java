package dev.proa.stopping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.proa.stopping.ProcessKiller.Facts;
import dev.proa.stopping.ProcessKiller.OwnTree;
import dev.proa.stopping.ProcessKiller.PodNamespace;
import dev.proa.stopping.ProcessKiller.Scope;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Where --kill and --kill-all may look: a Pod's PID namespace, or only proa's own descendants. */
class ProcessKillerTest {
    private static final String CONTAINER = "pid:[4026532601]";
    private static final String MACHINE = ProcessKiller.INITIAL_PID_NAMESPACE;

    static Stream<Arguments> places() {
        return Stream.of(
                arguments("PID 1 of its container (no shared namespace)", facts(1, List.of("java", "proa"), CONTAINER),
                        new PodNamespace("proa is PID 1, so every process it sees is its container's")),
                arguments("shareProcessNamespace: PID 1 is containerd's /pause", facts(7, List.of("pause"), CONTAINER),
                        new PodNamespace("PID 1 is the Pod's pause process, so the Pod shares its process namespace")),
                arguments("PID 1 named pause by argv[0] only", facts(7, List.of("sleep", "pause"), CONTAINER),
                        new PodNamespace("PID 1 is the Pod's pause process, so the Pod shares its process namespace")),
                arguments("a workstation: PID 1 is systemd", facts(4242, List.of("systemd"), MACHINE),
                        new OwnTree("proa runs in the machine's own PID namespace, not a container's")),
                arguments("the machine's namespace, whatever its PID 1 is called", facts(4242, List.of("pause"), MACHINE),
                        new OwnTree("proa runs in the machine's own PID namespace, not a container's")),
                arguments("a container whose PID 1 is a shell (docker run sh -c 'proa ...')",
                        facts(9, List.of("sh"), CONTAINER), new OwnTree("proa is not PID 1 and PID 1 (which is sh) is not"
                                + " a Pod's pause process, so this is not a Pod's PID namespace")),
                arguments("a namespace whose PID 1 is a sleep", facts(3, List.of("sleep"), CONTAINER),
                        new OwnTree("proa is not PID 1 and PID 1 (which is sleep) is not a Pod's pause process, so this"
                                + " is not a Pod's PID namespace")),
                arguments("a pause that is only part of a name", facts(3, List.of("pause-not", "paused"), CONTAINER),
                        new OwnTree("proa is not PID 1 and PID 1 (which is pause-not/paused) is not a Pod's pause"
                                + " process, so this is not a Pod's PID namespace")),
                arguments("PID 1 unreadable (hidepid), namespace unknown", facts(3, List.of(), null),
                        new OwnTree("proa is not PID 1 and PID 1 (which cannot be read) is not a Pod's pause process,"
                                + " so this is not a Pod's PID namespace")),
                arguments("PID 1 is pause, namespace unknown (no /proc/self/ns)", facts(3, List.of("pause"), null),
                        new PodNamespace("PID 1 is the Pod's pause process, so the Pod shares its process namespace")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("places")
    void decidesFromPid1AndTheNamespace(String name, Facts facts, Scope expected) {
        assertEquals(expected, ProcessKiller.scope(facts));
    }

    private static Facts facts(long self, List<String> pid1, String namespace) {
        Set<String> names = new LinkedHashSet<>(pid1);
        return new Facts(self, names, namespace);
    }
}
