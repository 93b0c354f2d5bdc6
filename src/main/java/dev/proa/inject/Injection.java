package dev.proa.inject;

import dev.proa.sidecars.KnownSidecars;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one decision of {@code proa inject} and {@code proa webhook}: what putting proa in front of a Pod template's
 * main container changes. A pure function of the Pod spec and the settings; {@link Manifests} applies its verdict to
 * manifests, {@link Admission} turns it into a JSONPatch.
 * <p>
 * The main container's {@code command} becomes proa's launcher, proa's options, {@code --} and the original command;
 * its {@code args} stay as they were. Kubernetes runs {@code command} followed by {@code args}, so proa receives the
 * original command and then the original args, in order, as COMMAND; and whatever later overrides {@code args} (a
 * Helm value, a CronJob's edit) still reaches the program.
 */
public final class Injection {
    /** Where proa's distribution is mounted in the main container, as in proa's image and the README's examples. */
    public static final String MOUNT = "/opt/proa";
    public static final String LAUNCHER = MOUNT + "/bin/proa";
    /** The volume holding proa's distribution, and the init container that fills it in copy mode. */
    public static final String VOLUME = "proa";
    public static final String COPIER = "proa-copy";
    /** Where the copier sees the emptyDir. */
    static final String COPY_TARGET = "/proa-copy";
    /** The image volume's path to the distribution: proa's image holds it at /opt/proa. */
    static final String IMAGE_SUB_PATH = "opt/proa";

    /** The label or annotation by which a Pod opts out ({@code disabled}), or in (the webhook's selectors: {@code enabled}). */
    public static final String INJECT = "proa.dev/inject";
    /** The annotation naming the main container, where the first one that is not a sidecar is not it. */
    public static final String CONTAINER = "proa.dev/container";

    /** How the distribution reaches the main container. */
    public enum Mode {
        /** An image volume of proa's image (KEP-4639: beta and on by default in Kubernetes 1.35): one copy per node. */
        IMAGE,
        /** An init container of proa's image copying the distribution into an emptyDir (any Kubernetes). */
        COPY
    }

    /** {@code container}: the main container's name, or null for the first one that is not a recognized sidecar. */
    public record Settings(String image, Mode mode, String container, List<String> proaOptions) {
        public Settings {
            Objects.requireNonNull(image);
            Objects.requireNonNull(mode);
            proaOptions = List.copyOf(proaOptions);
        }
    }

    /** What to do to a Pod spec. */
    public sealed interface Verdict {}

    /**
     * Put proa in front of container {@code index}: replace it with {@code main}, add {@code volume}, and in copy mode
     * add {@code copier} before the other init containers. {@code added}: the environment variables it gained.
     */
    public record Inject(int index, Container main, Volume volume, Optional<Container> copier, List<String> added)
            implements Verdict {}

    /** The main container already runs proa (injected before, or written so): nothing changes. */
    public record AlreadyRunsProa(String container) implements Verdict {}

    /** The Pod opted out ({@code how}: by which label or annotation): nothing changes. */
    public record OptedOut(String how) implements Verdict {}

    /** proa cannot be put in front safely: {@code why}, naming the container and the fix. Nothing changes. */
    public record Refuse(String why) implements Verdict {}

    private Injection() {}

    /**
     * The decision for a Pod (template) with these labels and annotations: {@code proa.dev/inject: disabled} (or
     * "false") opts it out; {@code proa.dev/container} names its main container, before {@code --container}.
     */
    public static Verdict decide(Map<String, String> labels, Map<String, String> annotations, PodSpec spec,
            Settings settings) {
        labels = labels == null ? Map.of() : labels;
        annotations = annotations == null ? Map.of() : annotations;
        for (var given : List.of(Map.entry("label", labels), Map.entry("annotation", annotations))) {
            String value = given.getValue().get(INJECT);
            if (value != null && (value.equalsIgnoreCase("disabled") || value.equalsIgnoreCase("false"))) {
                return new OptedOut("the " + given.getKey() + " " + INJECT + ": " + value);
            }
        }
        String named = annotations.get(CONTAINER);
        return decide(spec, named == null ? settings
                : new Settings(settings.image(), settings.mode(), named, settings.proaOptions()));
    }

    public static Verdict decide(PodSpec spec, Settings settings) {
        List<Container> containers = spec.getContainers() == null ? List.of() : spec.getContainers();
        int index = mainIndex(containers, settings.container());
        if (index < 0) return new Refuse(noMain(containers, settings.container()));
        Container main = containers.get(index);
        List<String> command = main.getCommand() == null ? List.of() : main.getCommand();
        if (!command.isEmpty() && runsProa(command.getFirst())) return new AlreadyRunsProa(main.getName());
        if (command.isEmpty()) return new Refuse(noCommand(main));
        Optional<String> conflict = conflict(spec, main, settings.mode());
        if (conflict.isPresent()) return new Refuse(conflict.get());
        List<String> added = new ArrayList<>();
        Container injected = inject(main, settings, added);
        return new Inject(index, injected, volume(settings), copier(settings), List.copyOf(added));
    }

    /** The verdict applied to a copy of {@code spec} (the manifests apply it to their trees the same way). */
    public static PodSpec apply(PodSpec spec, Inject inject) {
        PodSpecBuilder builder = new PodSpecBuilder(spec);
        List<Container> containers = new ArrayList<>(spec.getContainers());
        containers.set(inject.index(), inject.main());
        builder.withContainers(containers).addToVolumes(inject.volume());
        inject.copier().ifPresent(copier -> {
            List<Container> init = new ArrayList<>(List.of(copier));
            if (spec.getInitContainers() != null) init.addAll(spec.getInitContainers());
            builder.withInitContainers(init);
        });
        return builder.build();
    }

    /** Whether a command's program is proa's launcher, wherever it was put. */
    static boolean runsProa(String program) {
        return program.equals("proa") || program.endsWith("/bin/proa");
    }

    /** {@code --container}'s index, else the first container that is not a recognized sidecar; -1 if none. */
    static int mainIndex(List<Container> containers, String named) {
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            if (named != null ? named.equals(c.getName()) : KnownSidecars.recognize(c).isEmpty()) return i;
        }
        return -1;
    }

    private static String noMain(List<Container> containers, String named) {
        List<String> names = containers.stream().map(Container::getName).toList();
        return named != null
                ? "there is no container named " + named + "; the containers are " + names
                : "every container " + names + " is a sidecar proa recognizes: name the main one with --container";
    }

    private static String noCommand(Container main) {
        boolean args = main.getArgs() != null && !main.getArgs().isEmpty();
        return "container " + main.getName() + " has no command, so it runs its image's ENTRYPOINT"
                + (args ? " with its args" : "") + ", which cannot be known without asking the registry (never done);"
                + " proa cannot be put in front of it. Fix: set command on the container to the image's ENTRYPOINT"
                + (args ? " (args stay as they are)" : " and CMD") + ", e.g. command: [\"python3\", \"/app/job.py\"]";
    }

    /** A name or path proa would take that the Pod already uses for something else. */
    private static Optional<String> conflict(PodSpec spec, Container main, Mode mode) {
        if (spec.getVolumes() != null && spec.getVolumes().stream().anyMatch(v -> VOLUME.equals(v.getName()))) {
            return Optional.of("the Pod already has a volume named " + VOLUME + ", the name proa's volume takes, yet"
                    + " container " + main.getName() + " does not run proa: rename that volume");
        }
        if (main.getVolumeMounts() != null && main.getVolumeMounts().stream().anyMatch(m -> MOUNT.equals(m.getMountPath()))) {
            return Optional.of("container " + main.getName() + " already mounts something at " + MOUNT
                    + ", where proa's distribution goes: remove that mount");
        }
        boolean copierTaken = spec.getInitContainers() != null
                && spec.getInitContainers().stream().anyMatch(c -> COPIER.equals(c.getName()));
        if (mode == Mode.COPY && copierTaken) {
            return Optional.of("the Pod already has an init container named " + COPIER + ", the name of proa's copier:"
                    + " rename it");
        }
        return Optional.empty();
    }

    private static Container inject(Container main, Settings settings, List<String> added) {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER);
        command.addAll(settings.proaOptions());
        command.add("--");
        command.addAll(main.getCommand());
        ContainerBuilder builder = new ContainerBuilder(main).withCommand(command).addToVolumeMounts(mount(settings));
        List<EnvVar> env = main.getEnv() == null ? List.of() : main.getEnv();
        for (EnvVar wanted : List.of(fieldRef("POD_NAME", "metadata.name"), fieldRef("POD_NAMESPACE", "metadata.namespace"),
                new EnvVarBuilder().withName("PROA_CONTAINER").withValue(main.getName()).build())) {
            if (env.stream().noneMatch(e -> wanted.getName().equals(e.getName()))) {
                builder.addToEnv(wanted);
                added.add(wanted.getName());
            }
        }
        return builder.build();
    }

    private static EnvVar fieldRef(String name, String path) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path).endFieldRef()
                .endValueFrom().build();
    }

    private static VolumeMount mount(Settings settings) {
        VolumeMountBuilder mount = new VolumeMountBuilder().withName(VOLUME).withMountPath(MOUNT).withReadOnly(true);
        return (settings.mode() == Mode.IMAGE ? mount.withSubPath(IMAGE_SUB_PATH) : mount).build();
    }

    private static Volume volume(Settings settings) {
        VolumeBuilder volume = new VolumeBuilder().withName(VOLUME);
        return switch (settings.mode()) {
            case IMAGE -> volume.withNewImage().withReference(settings.image()).withPullPolicy("IfNotPresent").endImage().build();
            case COPY -> volume.withNewEmptyDir().endEmptyDir().build();
        };
    }

    /**
     * The copier: proa's own image (FROM scratch: no shell, no cp) runs {@code proa copy}. It meets the "restricted"
     * Pod Security Standard, so that it never is what keeps a Pod out of a restricted namespace.
     */
    private static Optional<Container> copier(Settings settings) {
        if (settings.mode() != Mode.COPY) return Optional.empty();
        return Optional.of(new ContainerBuilder().withName(COPIER).withImage(settings.image())
                .withImagePullPolicy("IfNotPresent")
                .withCommand(LAUNCHER, Tools.COPY_COMMAND, COPY_TARGET)
                .addNewVolumeMount().withName(VOLUME).withMountPath(COPY_TARGET).endVolumeMount()
                .withNewSecurityContext().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .build());
    }
}
