package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.proa.config.Options;
import dev.proa.config.Settings;
import dev.proa.sidecars.Sidecars;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.StopWords;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The shutdown plan's order and bindings, as the options and the Pod decide them: one row per case, each the options
 * given, the Pod's sidecars, and the plan (each sidecar's way and phase, the requests with their sidecar and phase,
 * the names that are no sidecar).
 */
class StopOrderTest {
    private static final String SHIPPER = "log-shipper=http://127.0.0.1:2020/flush";
    private static final String OTHER = "http://127.0.0.1:9000/quit";

    /** A Pod with main, then {@code sidecars} (istio-proxy is recognized as Istio's), and a native sidecar, logger. */
    private static Pod pod(boolean shared, String... sidecars) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName("job").withNamespace("jobs").endMetadata()
                .withNewSpec().withShareProcessNamespace(shared ? true : null)
                .addNewContainer().withName("main").withImage("app").endContainer()
                .addToInitContainers(new ContainerBuilder().withName("logger").withImage("fluent-bit")
                        .withRestartPolicy("Always").build()).endSpec();
        for (String name : sidecars) {
            String image = name.equals("istio-proxy") ? "docker.io/istio/proxyv2:1.24.0" : "example/" + name;
            pod.editSpec().addToContainers(new ContainerBuilder().withName(name).withImage(image).build()).endSpec();
        }
        return pod.build();
    }

    /** The settings' shutdown part, as proa's own parser makes it of {@code args}. */
    private static Settings.Stop stop(Map<String, String> env, String... args) {
        Options options = new Options();
        List<String> argv = new ArrayList<>(List.of(args));
        argv.add("sh");
        Options.commandLine(options, env).parseArgs(argv.toArray(String[]::new));
        options.validate();
        return options.settings().stop();
    }

    private static StopPlan plan(Pod pod, String... args) throws Sidecars.NotInPod {
        return StopPlan.of(pod, Sidecars.select(pod, Sidecars.Choice.ALL), StopPlan.Options.of(stop(Map.of(), args)));
    }

    /** The plan in a line: each step as name=Way@phase, then the requests as URL@phase(sidecar), then the strays. */
    private static String describe(StopPlan plan) {
        String steps = plan.ordered().stream().map(s -> s.sidecar() + "=" + s.how().getClass().getSimpleName() + "@"
                + s.phase()).collect(Collectors.joining(" "));
        String requests = plan.requests().stream().map(r -> r.url() + "@" + r.phase() + r.sidecar().map(n -> "(" + n
                + ")").orElse("")).collect(Collectors.joining(" "));
        String strays = plan.strays().stream().map(s -> s.name()).collect(Collectors.joining(" "));
        return plan.phases() + " phases: " + steps + " | " + requests + (strays.isEmpty() ? "" : " | strays: " + strays);
    }

    static Stream<Arguments> plans() {
        String istio = "http://127.0.0.1:15020/quitquitquit";
        return Stream.of(
                arguments("by default the mesh proxy is stopped last, the rest first; natives in no phase",
                        List.of("log-shipper", "istio-proxy", "cache"), List.of(),
                        "2 phases: log-shipper=Unknown@0 cache=Unknown@0 istio-proxy=Called@1 logger=Native@-1 | "
                                + istio + "@1(istio-proxy)"),
                arguments("without a mesh proxy there is one phase", List.of("log-shipper", "cache"), List.of(),
                        "1 phases: log-shipper=Unknown@0 cache=Unknown@0 logger=Native@-1 | "),
                arguments("only a mesh proxy: one phase", List.of("istio-proxy"), List.of(),
                        "1 phases: istio-proxy=Called@0 logger=Native@-1 | " + istio + "@0(istio-proxy)"),
                arguments("a bound option replaces only its sidecar's way; the mesh keeps its own",
                        List.of("log-shipper", "istio-proxy"), List.of("-p", SHIPPER),
                        "2 phases: log-shipper=Bound@0 istio-proxy=Called@1 logger=Native@-1 | " + istio
                                + "@1(istio-proxy) http://127.0.0.1:2020/flush@0(log-shipper)"),
                arguments("a bound option on the mesh proxy is sent in the mesh's phase",
                        List.of("log-shipper", "istio-proxy"), List.of("-g", "istio-proxy=http://127.0.0.1:15000/x"),
                        "2 phases: log-shipper=Unknown@0 istio-proxy=Bound@1 logger=Native@-1 | "
                                + "http://127.0.0.1:15000/x@1(istio-proxy)"),
                arguments("an unbound option replaces recognition for all, and is sent first: so all are first",
                        List.of("log-shipper", "istio-proxy"), List.of("-p", OTHER),
                        "1 phases: log-shipper=ByOptions@0 istio-proxy=ByOptions@0 logger=Native@-1 | " + OTHER + "@0"),
                arguments("bound and unbound: the bound sidecar by its own, every other by the unbound, first",
                        List.of("log-shipper", "istio-proxy"), List.of("-p", SHIPPER, "-p", OTHER),
                        "1 phases: log-shipper=Bound@0 istio-proxy=ByOptions@0 logger=Native@-1 | "
                                + "http://127.0.0.1:2020/flush@0(log-shipper) " + OTHER + "@0"),
                arguments("-k is unbound too", List.of("log-shipper", "istio-proxy"), List.of("-p", SHIPPER, "-k", "envoy"),
                        "1 phases: log-shipper=Bound@0 istio-proxy=ByOptions@0 logger=Native@-1 | "
                                + "http://127.0.0.1:2020/flush@0(log-shipper)"),
                arguments("a sidecar the unbound options stop is first whatever the order; a bound one keeps its turn",
                        List.of("log-shipper", "istio-proxy", "cache"),
                        List.of("-p", "istio-proxy=http://127.0.0.1:15000/x", "-k", "envoy",
                                "--shutdown-order=;istio-proxy,log-shipper"),
                        "2 phases: log-shipper=ByOptions@0 cache=ByOptions@0 istio-proxy=Bound@1 logger=Native@-1 | "
                                + "http://127.0.0.1:15000/x@1(istio-proxy)"),
                arguments("a bound name that is no sidecar: said, sent first, recognition kept for the others",
                        List.of("cache", "istio-proxy"), List.of("-p", SHIPPER),
                        "2 phases: cache=Unknown@0 istio-proxy=Called@1 logger=Native@-1 | " + istio
                                + "@1(istio-proxy) http://127.0.0.1:2020/flush@0 | strays: log-shipper"),
                arguments("a bound name of a native sidecar: no stray; the kubelet stops it, the request goes first",
                        List.of("istio-proxy"), List.of("-p", "logger=http://127.0.0.1:2021/quit"),
                        "1 phases: istio-proxy=Called@0 logger=NativeBound@-1 | " + istio
                                + "@0(istio-proxy) http://127.0.0.1:2021/quit@0(logger)"),
                arguments("an explicit order; a sidecar it does not name is in the first phase",
                        List.of("log-shipper", "istio-proxy", "cache"),
                        List.of("--shutdown-order=istio-proxy", "--shutdown-order", "log-shipper"),
                        "2 phases: istio-proxy=Called@0 cache=Unknown@0 log-shipper=Unknown@1 logger=Native@-1 | "
                                + istio + "@0(istio-proxy)"),
                arguments("an order's phases in one value, separated by ';'",
                        List.of("log-shipper", "istio-proxy", "cache"), List.of("--shutdown-order=cache;log-shipper;istio-proxy"),
                        "3 phases: cache=Unknown@0 log-shipper=Unknown@1 istio-proxy=Called@2 logger=Native@-1 | "
                                + istio + "@2(istio-proxy)"),
                arguments("an empty first phase: everything unnamed first, the named ones after",
                        List.of("istio-proxy", "log-shipper", "cache"), List.of("--shutdown-order=;istio-proxy"),
                        "2 phases: log-shipper=Unknown@0 cache=Unknown@0 istio-proxy=Called@1 logger=Native@-1 | "
                                + istio + "@1(istio-proxy)"),
                arguments("an empty phase in the middle keeps the order, its number compacted",
                        List.of("istio-proxy", "log-shipper", "cache"), List.of("--shutdown-order=cache;;istio-proxy"),
                        "2 phases: log-shipper=Unknown@0 cache=Unknown@0 istio-proxy=Called@1 logger=Native@-1 | "
                                + istio + "@1(istio-proxy)"),
                arguments("an order naming no sidecar of the Pod: a stray, and its empty phase dropped",
                        List.of("log-shipper", "istio-proxy"),
                        List.of("--shutdown-order=ghost", "--shutdown-order=log-shipper,istio-proxy"),
                        "1 phases: log-shipper=Unknown@0 istio-proxy=Called@0 logger=Native@-1 | " + istio
                                + "@0(istio-proxy) | strays: ghost"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void thePlan(String why, List<String> sidecars, List<String> args, String expected) throws Exception {
        assertEquals(expected, describe(plan(pod(false, sidecars.toArray(String[]::new)), args.toArray(String[]::new))));
    }

    @Test
    void anEmptyPhaseInTheVariableKeepsItsPlace() throws Exception {
        Pod pod = pod(false, "istio-proxy", "log-shipper");
        StopPlan plan = StopPlan.of(pod, Sidecars.select(pod, Sidecars.Choice.ALL),
                StopPlan.Options.of(stop(Map.of("PROA_SHUTDOWN_ORDER", ";istio-proxy"))));
        assertEquals("2 phases: log-shipper=Unknown@0 istio-proxy=Called@1 logger=Native@-1 | "
                + "http://127.0.0.1:15020/quitquitquit@1(istio-proxy)", describe(plan));
    }

    @Test
    void theMeshProxiesAreIstioLinkerdAndEnvoy() {
        assertEquals(List.of("Istio's pilot-agent", "Linkerd's proxy", "Envoy"), dev.proa.sidecars.KnownSidecars.TABLE
                .stream().filter(dev.proa.sidecars.KnownSidecars.Known::mesh).map(k -> k.what()).toList());
    }

    @Test
    void withoutThePodThereIsOnePhaseWithEveryRequest() {
        StopPlan plan = StopPlan.withoutPod(StopPlan.Options.of(stop(Map.of(), "-p", SHIPPER, "-g", OTHER)));
        assertEquals("1 phases:  | " + OTHER + "@0 http://127.0.0.1:2020/flush@0(log-shipper)", describe(plan));
    }

    @Test
    void escalationNeedsASharedProcessNamespaceAndARequestOfTheSidecarsOwn() throws Exception {
        StopPlan shared = plan(pod(true, "log-shipper", "istio-proxy", "cache"), "-p", SHIPPER);
        StopPlan apart = plan(pod(false, "log-shipper", "istio-proxy", "cache"), "-p", SHIPPER);
        assertEquals(List.of("log-shipper", "istio-proxy"), shared.steps().stream().filter(shared::escalates)
                .map(StopPlan.Step::sidecar).toList(), "cache has no request; logger is native");
        assertEquals(List.of(), apart.steps().stream().filter(apart::escalates).toList());
    }

    @Test
    void theWordsOfASidecarTheUnboundOptionsStop() throws Exception {
        StopPlan one = plan(pod(false, "log-shipper", "istio-proxy"), "-p", OTHER);
        assertEquals("first, whatever the order: the options given (unbound) go out at once; bind a request to it"
                + " (-p istio-proxy=URL) to stop it in its turn", StopWords.phase(one, one.step("istio-proxy").orElseThrow()));
        assertEquals("", StopWords.phase(one, one.step("log-shipper").orElseThrow()), "not a mesh proxy, one phase");
        StopPlan two = plan(pod(false, "log-shipper", "istio-proxy"), "-p", "log-shipper=http://127.0.0.1:2020/x",
                "-k", "envoy", "--shutdown-order=;log-shipper");
        assertEquals("phase 1 of 2, first, whatever the order: the options given (unbound) go out at once; bind a"
                + " request to it (-p istio-proxy=URL) to stop it in its turn",
                StopWords.phase(two, two.step("istio-proxy").orElseThrow()));
    }

    @Test
    void theWordsOfANativeSidecarWithAnOptionBoundToIt() throws Exception {
        StopPlan plan = plan(pod(false, "log-shipper", "istio-proxy"), "-p", "logger=http://127.0.0.1:2021/quit");
        StopPlan.Step logger = plan.step("logger").orElseThrow();
        assertEquals("Shutdown plan: sidecar logger: a native sidecar, which the kubelet stops once proa's container has"
                + " exited; the option bound to it (--shutdown-http-post=logger=http://127.0.0.1:2021/quit) is sent"
                + " anyway, in the first phase", StopWords.sentence(logger));
        assertEquals(false, logger.warn(), "not a problem for proa check");
        assertEquals(List.of(), plan.strays());
        assertEquals("", StopWords.phase(plan, logger));
    }

    @Test
    void theWordsOfAPhaseAndOfAStray() throws Exception {
        StopPlan plan = plan(pod(true, "log-shipper", "istio-proxy"), "-p", "ghost=http://127.0.0.1:1/x");
        assertEquals("phase 2 of 2, after phase 1's sidecars (log-shipper) have terminated or had their share of the"
                + " shutdown timeout", StopWords.phase(plan, plan.step("istio-proxy").orElseThrow()));
        assertEquals("", StopWords.phase(plan, plan.step("logger").orElseThrow()));
        assertEquals("Shutdown plan: --shutdown-http-post=ghost=http://127.0.0.1:1/x names ghost, which is not a sidecar"
                + " of the Pod (its sidecars: log-shipper, istio-proxy, logger); the request is sent anyway, in the first"
                + " phase. Fix: give a container name of the Pod's (a sidecar, not --ignore'd, --main or proa's own)",
                StopWords.stray(plan.strays().getFirst(), plan.steps().stream().map(StopPlan.Step::sidecar).toList()));
    }

    static Stream<Arguments> values() {
        return Stream.of(
                arguments("log-shipper=http://127.0.0.1:2020/flush", "log-shipper=http://127.0.0.1:2020/flush"),
                arguments("http://127.0.0.1:9000/stop?drain=a,b", "http://127.0.0.1:9000/stop?drain=a,b"),
                arguments("a=http://127.0.0.1:1/x,b=https://127.0.0.1:2/y, http://127.0.0.1:3/z?q=1,2",
                        "a=http://127.0.0.1:1/x|b=https://127.0.0.1:2/y|http://127.0.0.1:3/z?q=1,2"),
                arguments(" log-shipper = http://127.0.0.1:2020/flush", "log-shipper=http://127.0.0.1:2020/flush"));
    }

    @ParameterizedTest(name = "PROA_SHUTDOWN_HTTP_POST={0}")
    @MethodSource("values")
    void aValueSplitsOnlyBeforeAUrlOrABoundOne(String value, String expected) {
        Settings.Stop stop = stop(Map.of("PROA_SHUTDOWN_HTTP_POST", value));
        assertEquals(expected, stop.requests().stream().map(r -> r.sidecar().map(s -> s + "=").orElse("") + r.url())
                .collect(Collectors.joining("|")));
    }

    @Test
    void aBadNameOrAnOrderNamingOneTwiceIsAUsageErrorNamingIt() {
        CommandLine.ParameterException bad = assertThrows(CommandLine.ParameterException.class,
                () -> stop(Map.of(), "-p", "Log_Shipper=http://127.0.0.1:1/x"));
        assertTrue(bad.getMessage().contains("'Log_Shipper' in 'Log_Shipper=http://127.0.0.1:1/x' is not a container"
                + " name"), bad.getMessage());
        CommandLine.ParameterException listed = assertThrows(CommandLine.ParameterException.class,
                () -> stop(Map.of("PROA_SHUTDOWN_HTTP_GET", "http://127.0.0.1:1/x,Bad.Name=http://127.0.0.1:2/y")));
        assertTrue(listed.getMessage().contains("'Bad.Name' in 'Bad.Name=http://127.0.0.1:2/y' is not a container"
                + " name"), listed.getMessage());
        CommandLine.ParameterException twice = assertThrows(CommandLine.ParameterException.class,
                () -> stop(Map.of("PROA_SHUTDOWN_ORDER", "a,b;b")));
        assertEquals("PROA_SHUTDOWN_ORDER names b in two phases: a sidecar is stopped in one phase; name it once",
                twice.getMessage());
    }
}
