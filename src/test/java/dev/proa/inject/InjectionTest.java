package dev.proa.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.config.Options;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The rewrite as a pure function of fabric8's Pod spec: each case a Pod spec in, a verdict out. */
class InjectionTest {
    static final String IMAGE = "registry.example/proa:0.1.0";

    static Injection.Settings settings(Injection.Mode mode, String container, String... proaOptions) {
        return new Injection.Settings(IMAGE, mode, container, List.of(proaOptions));
    }

    static Container container(String name, List<String> command, List<String> args) {
        return new ContainerBuilder().withName(name).withImage(name + ":1").withCommand(command).withArgs(args).build();
    }

    static final Container MAIN = container("main", List.of("python3", "/app/job.py"), List.of("--day", "monday"));
    static final Container ISTIO = new ContainerBuilder().withName("istio-proxy").withImage("docker.io/istio/proxyv2:1.24")
            .withArgs("proxy", "sidecar").build();
    static final Container LOGGER = new ContainerBuilder().withName("logger").withImage("fluent-bit:3")
            .withRestartPolicy("Always").build();

    static PodSpec pod(Container... containers) {
        return new PodSpecBuilder().withContainers(containers).withRestartPolicy("Never").build();
    }

    // ---- Which container, and what its command becomes ----

    static Stream<Arguments> mains() {
        return Stream.of(
                Arguments.of("the only container", pod(MAIN), null, 0),
                Arguments.of("the first of two", pod(MAIN, container("sidecar", List.of("sleep"), List.of())), null, 0),
                Arguments.of("after a recognized sidecar (Istio's hold-application puts it first)", pod(ISTIO, MAIN), null, 1),
                Arguments.of("named by --container", pod(container("helper", List.of("x"), List.of()), MAIN), "main", 1),
                Arguments.of("beside native sidecars, which are init containers",
                        new PodSpecBuilder(pod(MAIN)).withInitContainers(LOGGER).build(), null, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mains")
    void theMainContainerIsChosenAndOnlyItChanges(String what, PodSpec spec, String named, int index) {
        Injection.Inject inject = assertInstanceOf(Injection.Inject.class,
                Injection.decide(spec, settings(Injection.Mode.IMAGE, named)));
        assertEquals(index, inject.index());
        PodSpec injected = Injection.apply(spec, inject);
        for (int i = 0; i < spec.getContainers().size(); i++) {
            if (i != index) assertEquals(spec.getContainers().get(i), injected.getContainers().get(i), "container " + i);
        }
        assertEquals(spec.getInitContainers(), injected.getInitContainers(), "image mode adds no init container");
        Container original = spec.getContainers().get(index);
        Container main = injected.getContainers().get(index);
        List<String> command = new ArrayList<>(List.of(Injection.LAUNCHER, "--"));
        command.addAll(original.getCommand());
        assertEquals(command, main.getCommand());
        assertEquals(original.getArgs(), main.getArgs(), "args stay args");
    }

    @Test
    void proasOptionsComeBeforeTheDashesAndTheOriginalCommandAfter() {
        Injection.Inject inject = (Injection.Inject) Injection.decide(pod(MAIN),
                settings(Injection.Mode.IMAGE, null, "--startup-timeout=2m", "--shutdown-http-post=http://127.0.0.1:8080/quit"));
        assertEquals(List.of(Injection.LAUNCHER, "--startup-timeout=2m", "--shutdown-http-post=http://127.0.0.1:8080/quit",
                "--", "python3", "/app/job.py"), inject.main().getCommand());
        assertEquals(List.of("--day", "monday"), inject.main().getArgs());
    }

    /** What the kubelet runs (command, then args) is what proa's own command line parses: COMMAND is the original. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Injection.Mode.class)
    void proaParsesTheInjectedArgvAndItsCommandIsTheOriginal(Injection.Mode mode) {
        Container dashed = container("main", List.of("/app/run", "--verbose"), List.of("-p", "x", "--", "y"));
        Injection.Inject inject = (Injection.Inject) Injection.decide(pod(dashed),
                settings(mode, null, "--startup-timeout=30s", "--wait-for=db"));
        List<String> argv = new ArrayList<>(inject.main().getCommand());
        argv.addAll(inject.main().getArgs());
        assertEquals(Injection.LAUNCHER, argv.getFirst());
        Options options = new Options();
        Options.commandLine(options, Map.of()).parseArgs(argv.subList(1, argv.size()).toArray(String[]::new));
        options.validate();
        assertEquals(List.of("/app/run", "--verbose", "-p", "x", "--", "y"), options.command);
        assertEquals(List.of("db"), options.waitFor);
        assertEquals(java.time.Duration.ofSeconds(30), options.startupTimeout);
    }

    // ---- Each mode ----

    @Test
    void imageModeMountsProasImageAsAnImageVolume() {
        Injection.Inject inject = (Injection.Inject) Injection.decide(pod(MAIN), settings(Injection.Mode.IMAGE, null));
        Volume volume = inject.volume();
        assertEquals(Injection.VOLUME, volume.getName());
        assertEquals(IMAGE, volume.getImage().getReference());
        assertEquals("IfNotPresent", volume.getImage().getPullPolicy());
        assertTrue(inject.copier().isEmpty());
        VolumeMount mount = inject.main().getVolumeMounts().getLast();
        assertEquals(List.of(Injection.VOLUME, Injection.MOUNT, "opt/proa", true),
                List.of(mount.getName(), mount.getMountPath(), mount.getSubPath(), mount.getReadOnly()));
    }

    @Test
    void copyModeCopiesProaIntoAnEmptyDirFirstOfAllInitContainers() {
        PodSpec spec = new PodSpecBuilder(pod(MAIN)).withInitContainers(LOGGER).build();
        Injection.Inject inject = (Injection.Inject) Injection.decide(spec, settings(Injection.Mode.COPY, null));
        assertTrue(inject.volume().getEmptyDir() != null && inject.volume().getImage() == null);
        Container copier = inject.copier().orElseThrow();
        assertEquals(IMAGE, copier.getImage());
        assertEquals(List.of(Injection.LAUNCHER, "copy", "/proa-copy"), copier.getCommand());
        assertEquals("/proa-copy", copier.getVolumeMounts().getFirst().getMountPath());
        assertEquals(false, copier.getSecurityContext().getAllowPrivilegeEscalation());
        PodSpec injected = Injection.apply(spec, inject);
        assertEquals(List.of(copier, LOGGER), injected.getInitContainers());
        VolumeMount mount = inject.main().getVolumeMounts().getLast();
        assertEquals(Injection.MOUNT, mount.getMountPath());
        assertNull(mount.getSubPath(), "the emptyDir holds the distribution at its root");
    }

    // ---- The environment proa needs ----

    @Test
    void theDownwardApiVariablesAreAddedUnlessPresent() {
        Container withName = new ContainerBuilder(MAIN).addNewEnv().withName("POD_NAME").withValue("fixed").endEnv().build();
        Injection.Inject inject = (Injection.Inject) Injection.decide(pod(withName), settings(Injection.Mode.IMAGE, null));
        assertEquals(List.of("POD_NAMESPACE", "PROA_CONTAINER"), inject.added());
        List<EnvVar> env = inject.main().getEnv();
        assertEquals("fixed", env.getFirst().getValue(), "the container's own POD_NAME is kept");
        assertEquals("metadata.namespace", env.get(1).getValueFrom().getFieldRef().getFieldPath());
        assertEquals("main", env.get(2).getValue());
    }

    // ---- Idempotence ----

    @ParameterizedTest(name = "{0}")
    @EnumSource(Injection.Mode.class)
    void injectingAnInjectedPodChangesNothing(Injection.Mode mode) {
        PodSpec spec = new PodSpecBuilder(pod(ISTIO, MAIN)).withInitContainers(LOGGER).build();
        PodSpec once = Injection.apply(spec, (Injection.Inject) Injection.decide(spec, settings(mode, null)));
        assertEquals(new Injection.AlreadyRunsProa("main"), Injection.decide(once, settings(mode, null)));
        assertEquals(new Injection.AlreadyRunsProa("main"), Injection.decide(once, settings(Injection.Mode.IMAGE, "main")));
    }

    @Test
    void aContainerWrittenToRunProaIsLeftAsItIs() {
        Container written = container("main", List.of("/opt/proa/bin/proa"), List.of("--", "python3"));
        assertEquals(new Injection.AlreadyRunsProa("main"), Injection.decide(pod(written), settings(Injection.Mode.IMAGE, null)));
    }

    // ---- Refusals: fail closed, naming the container and the fix ----

    static Stream<Arguments> refusals() {
        Container argsOnly = container("main", List.of(), List.of("--serve"));
        Container nothing = new ContainerBuilder().withName("app").withImage("app:1").build();
        PodSpec proaVolume = new PodSpecBuilder(pod(MAIN)).addNewVolume().withName("proa").withNewEmptyDir().endEmptyDir()
                .endVolume().build();
        Container mounted = new ContainerBuilder(MAIN).addNewVolumeMount().withName("x").withMountPath("/opt/proa")
                .endVolumeMount().build();
        return Stream.of(
                Arguments.of("args, no command", pod(argsOnly), null, List.of("container main has no command",
                        "Fix: set command", "args stay as they are")),
                Arguments.of("neither command nor args", pod(nothing), null, List.of("container app has no command",
                        "ENTRYPOINT and CMD")),
                Arguments.of("--container names none", pod(MAIN), "mian", List.of("no container named mian", "[main]")),
                Arguments.of("every container a sidecar", pod(ISTIO), null, List.of("[istio-proxy]", "--container")),
                Arguments.of("the volume's name taken", proaVolume, null, List.of("volume named proa", "rename")),
                Arguments.of("the mount path taken", pod(mounted), null, List.of("already mounts something at /opt/proa")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void whatCannotBeDoneSafelyIsRefused(String what, PodSpec spec, String named, List<String> naming) {
        Injection.Refuse refuse = assertInstanceOf(Injection.Refuse.class,
                Injection.decide(spec, settings(Injection.Mode.IMAGE, named)));
        for (String part : naming) assertTrue(refuse.why().contains(part), refuse.why() + " does not say " + part);
    }

    @Test
    void theCopiersNameTakenIsRefusedInCopyModeOnly() {
        PodSpec spec = new PodSpecBuilder(pod(MAIN)).addToInitContainers(container("proa-copy", List.of("true"), List.of()))
                .build();
        assertInstanceOf(Injection.Refuse.class, Injection.decide(spec, settings(Injection.Mode.COPY, null)));
        assertInstanceOf(Injection.Inject.class, Injection.decide(spec, settings(Injection.Mode.IMAGE, null)));
    }

    @Test
    void theSpecGivenIsNeverChanged() {
        PodSpec spec = pod(ISTIO, MAIN);
        PodSpec before = new PodSpecBuilder(spec).build();
        Injection.apply(spec, (Injection.Inject) Injection.decide(spec, settings(Injection.Mode.COPY, null)));
        assertEquals(before, spec);
        assertFalse(spec.getContainers().get(1).getCommand().contains("--"));
    }

    // ---- Labels and annotations of the Pod (template) ----

    @Test
    void aPodOptsOutByLabelOrAnnotation() {
        Injection.Settings settings = settings(Injection.Mode.IMAGE, null);
        assertEquals(new Injection.OptedOut("the annotation proa.dev/inject: disabled"),
                Injection.decide(Map.of(), Map.of("proa.dev/inject", "disabled"), pod(MAIN), settings));
        assertEquals(new Injection.OptedOut("the label proa.dev/inject: false"),
                Injection.decide(Map.of("proa.dev/inject", "false"), null, pod(MAIN), settings));
        assertInstanceOf(Injection.Inject.class,
                Injection.decide(Map.of("proa.dev/inject", "enabled"), Map.of(), pod(MAIN), settings));
    }

    @Test
    void theContainerAnnotationNamesTheMainContainerBeforeTheOption() {
        PodSpec spec = pod(container("helper", List.of("x"), List.of()), MAIN);
        Injection.Inject inject = (Injection.Inject) Injection.decide(null, Map.of("proa.dev/container", "main"), spec,
                settings(Injection.Mode.IMAGE, "helper"));
        assertEquals(1, inject.index());
    }
}
