package dev.proa;

import dev.proa.config.ExitStatus;
import dev.proa.config.ExitStatuses;
import dev.proa.config.Options;
import dev.proa.config.Settings;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.StopWords;
import dev.proa.sidecars.Sidecars;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The manifests under examples/ are what users copy: each must be valid Kubernetes down to the last field name, run
 * proa with arguments proa's own command line accepts, and carry the RBAC proa needs. fabric8 parses the YAML; it
 * quietly keeps the fields it does not know in {@code additionalProperties}, so the test walks every parsed object
 * and fails on any it finds there. The tests at the end prove that this walk catches a misspelled field.
 */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("examples");
    private static final String PROA = "/opt/proa/bin/proa";
    private static final String EXAMPLE_IMAGE = "proa-example-app:latest";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    /** proa's webhook, a Deployment rather than a Job: checked here as Kubernetes, and by WebhookExampleTest as proa. */
    private static final String WEBHOOK = "webhook.yaml";
    /** Kinds of custom resources fabric8's model does not have, which the examples use (webhook.yaml: cert-manager's). */
    private static final Set<String> CUSTOM_KINDS = Set.of("cert-manager.io/v1 Issuer", "cert-manager.io/v1 Certificate");

    // ---- The manifests, one test case per file ----

    static Stream<String> manifests() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
            assertFalse(names.isEmpty(), "no *.yaml under " + EXAMPLES.toAbsolutePath() + " (the tests run from the repository root)");
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void everyDocumentIsATypedKubernetesObject(String file) {
        List<HasMetadata> documents = documents(file);
        assertFalse(documents.isEmpty(), file + " holds no Kubernetes object");
        for (HasMetadata document : documents) {
            assertNotNull(document.getMetadata(), file + ": a " + document.getKind() + " without metadata");
            assertNotNull(document.getMetadata().getName(), file + ": a " + document.getKind() + " without a name");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void everyFieldExistsInTheKubernetesApi(String file) {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata document : documents(file)) {
            if (document instanceof GenericKubernetesResource) continue; // a custom resource: its fields are its CRD's
            for (String path : unknownFields(document)) unknown.add(file + ": " + describe(document) + ": " + path);
        }
        assertEquals(List.of(), unknown, "fields the Kubernetes API does not have (misspelled, or misplaced)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void followsTheExamplesConventions(String file) {
        List<HasMetadata> documents = documents(file);
        for (HasMetadata document : documents) {
            assertTrue(document.getMetadata().getName().startsWith("proa-"),
                    file + ": " + describe(document) + ": example names start with proa-");
            assertNull(document.getMetadata().getNamespace(),
                    file + ": " + describe(document) + ": no namespace, so that the example applies to any");
        }
        List<Job> jobs = ofKind(documents, Job.class);
        assertTrue(!jobs.isEmpty() || file.equals(WEBHOOK), file + " holds no Job");
        // The examples fail fast (restartPolicy Never, no retry), but for a retry in the same Pod (OnFailure) and a
        // podFailurePolicy, which decides which failed Pods count against backoffLimit: there must be retries to count.
        for (Job job : jobs) {
            String where = file + ": " + describe(job) + ": backoffLimit";
            boolean retries = "OnFailure".equals(job.getSpec().getTemplate().getSpec().getRestartPolicy())
                    || job.getSpec().getPodFailurePolicy() != null;
            if (retries) {
                assertTrue(job.getSpec().getBackoffLimit() != null && job.getSpec().getBackoffLimit() >= 1, where);
            } else {
                assertEquals(0, job.getSpec().getBackoffLimit(), where);
            }
        }
        for (PodTemplate template : podTemplates(file, documents)) {
            assertTrue(Set.of("Never", "OnFailure").contains(template.spec().getRestartPolicy()),
                    template.where() + ": restartPolicy " + template.spec().getRestartPolicy());
            assertFalse(proaContainers(template.spec()).isEmpty(), template.where() + ": no container runs " + PROA);
            for (Container proa : proaContainers(template.spec())) {
                String where = template.where() + ": container " + proa.getName();
                assertEquals(EXAMPLE_IMAGE, proa.getImage(), where + ": the image of examples/Dockerfile.app");
                assertEquals("IfNotPresent", proa.getImagePullPolicy(), where + ": a local image (kind load docker-image) needs IfNotPresent");
            }
        }
    }

    /**
     * A podFailurePolicy's onExitCodes rules name proa's container and statuses of proa's own, as that container's
     * --exit-status numbers them (the code's table, {@link ExitStatus}): a rule on a status proa never gives, or on a
     * container that is not proa's, would never match, and the Job would count a Pod proa meant it to ignore.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void podFailurePoliciesNameProasContainerAndItsStatuses(String file) {
        for (Job job : ofKind(documents(file), Job.class)) {
            assertEquals(List.of(), podFailurePolicyProblems(job, file + ": " + describe(job)));
        }
    }

    /** The check above catches a status proa does not give, and a container that is not proa's. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"194, main, status 194", "193, sidecar, container sidecar", "2, main, status 2"})
    void aPodFailurePolicyOnAnotherStatusOrContainerIsCaught(int status, String container, String named) {
        Job job = ofKind(documents("pod-failure-policy.yaml"), Job.class).getFirst();
        assertEquals(List.of(), podFailurePolicyProblems(job, "as written"));
        var onExitCodes = job.getSpec().getPodFailurePolicy().getRules().getFirst().getOnExitCodes();
        onExitCodes.setValues(List.of(status));
        onExitCodes.setContainerName(container);
        List<String> problems = podFailurePolicyProblems(job, "changed");
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.getFirst().contains(named), problems::toString);
    }

    /** A rule remapped by --exit-status names the remapped number, and no longer the default one. */
    @Test
    void aPodFailurePolicyFollowsTheContainersRemap() {
        Job job = ofKind(documents("pod-failure-policy.yaml"), Job.class).getFirst();
        Container main = proaContainers(job.getSpec().getTemplate().getSpec()).getFirst();
        main.getArgs().addFirst("--exit-status=sidecars-not-ready=90");
        assertEquals(1, podFailurePolicyProblems(job, "remapped").size());
        job.getSpec().getPodFailurePolicy().getRules().getFirst().getOnExitCodes().setValues(List.of(90));
        assertEquals(List.of(), podFailurePolicyProblems(job, "remapped"));
    }

    /**
     * What is wrong with {@code job}'s podFailurePolicy: an onExitCodes rule whose containerName is not a container
     * running proa, whose operator is not In, or that names a status proa does not give of its own (as that
     * container's options number them; the usage error's 2 is not one a policy should act on: it fails every Pod).
     */
    private static List<String> podFailurePolicyProblems(Job job, String where) {
        List<String> problems = new ArrayList<>();
        if (job.getSpec().getPodFailurePolicy() == null) return problems;
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        for (var rule : job.getSpec().getPodFailurePolicy().getRules()) {
            var codes = rule.getOnExitCodes();
            if (codes == null) continue;
            Container proa = proaContainers(pod).stream().filter(c -> c.getName().equals(codes.getContainerName()))
                    .findFirst().orElse(null);
            if (proa == null) {
                problems.add(where + ": a rule on container " + codes.getContainerName() + ", which does not run proa");
                continue;
            }
            if (!"In".equals(codes.getOperator())) problems.add(where + ": a rule with operator " + codes.getOperator());
            ExitStatuses statuses = proaOptions(proa, where).settings().statuses();
            Set<Integer> own = new TreeSet<>();
            for (ExitStatus status : ExitStatus.values()) if (status.remappable()) own.add(statuses.of(status));
            for (int value : codes.getValues()) {
                if (!own.contains(value)) {
                    problems.add(where + ": a rule on status " + value + ", which is not one of proa's own " + own);
                }
            }
        }
        return problems;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void podTemplatesKeepRulesTheApiServerChecks(String file) {
        List<HasMetadata> documents = documents(file);
        Set<String> configMaps = names(ofKind(documents, ConfigMap.class));
        for (PodTemplate template : podTemplates(file, documents)) {
            PodSpec pod = template.spec();
            String where = template.where();
            List<String> names = allContainers(pod).stream().map(Container::getName).toList();
            assertEquals(names.size(), new TreeSet<>(names).size(), where + ": container names repeat: " + names);
            for (Container init : pod.getInitContainers()) {
                boolean probed = init.getReadinessProbe() != null || init.getStartupProbe() != null || init.getLivenessProbe() != null;
                assertTrue(!probed || "Always".equals(init.getRestartPolicy()),
                        where + ": init container " + init.getName() + " has probes, which only a native sidecar (restartPolicy: Always) may have");
            }
            Set<String> volumes = new TreeSet<>(pod.getVolumes().stream().map(Volume::getName).toList());
            for (Container container : allContainers(pod)) {
                for (VolumeMount mount : container.getVolumeMounts()) {
                    assertTrue(volumes.contains(mount.getName()),
                            where + ": container " + container.getName() + " mounts volume " + mount.getName() + ", not in " + volumes);
                }
            }
            for (Volume volume : pod.getVolumes()) {
                if (volume.getConfigMap() != null) {
                    assertTrue(configMaps.contains(volume.getConfigMap().getName()), where + ": volume " + volume.getName()
                            + " uses ConfigMap " + volume.getConfigMap().getName() + ", not in the file " + configMaps);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void proaArgumentsParseWithProasOwnCommandLine(String file) {
        for (PodTemplate template : podTemplates(file, documents(file))) {
            PodSpec pod = template.spec();
            for (Container proa : proaContainers(pod)) {
                String where = template.where() + ": container " + proa.getName();
                Options options = proaOptions(proa, where);
                assertFalse(options.command.isEmpty(), where + ": no COMMAND after proa's options");

                if (!options.settings().sidecars().watchesPod()) continue; // only --wait-http/--wait-tcp: no Pod, no API, nothing below

                // The documented pattern: proa learns its Pod from the downward API.
                assertEquals("metadata.name", fieldRef(proa, "POD_NAME"), where + ": POD_NAME from fieldRef metadata.name");
                assertEquals("metadata.namespace", fieldRef(proa, "POD_NAMESPACE"), where + ": POD_NAMESPACE from fieldRef metadata.namespace");

                // proa's own container: --container, else the Pod's first container.
                if (options.container == null) {
                    assertEquals(pod.getContainers().getFirst().getName(), proa.getName(),
                            where + ": proa takes the Pod's first container for its own; name it with --container");
                } else {
                    assertEquals(proa.getName(), options.container, where + ": --container names another container");
                }
                // The sidecars named must be in the manifest (one that is injected would need an exception here).
                Set<String> all = new TreeSet<>(allContainers(pod).stream().map(Container::getName).toList());
                for (String name : Stream.of(options.waitFor, options.ignore, options.main).flatMap(List::stream).toList()) {
                    assertTrue(all.contains(name), where + ": --wait-for/--ignore/--main " + name + " is not a container of " + all);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void everySidecarInTheManifestIsOneProaCanStop(String file) throws Exception {
        for (PodTemplate template : podTemplates(file, documents(file))) {
            for (Container proa : proaContainers(template.spec())) {
                Options options = proaOptions(proa, template.where());
                if (!options.settings().sidecars().watchesPod()) continue;
                Pod pod = new Pod();
                pod.setMetadata(new ObjectMeta());
                pod.setSpec(template.spec());
                Settings.Stop asked = options.settings().stop();
                StopPlan plan = StopPlan.of(pod, Sidecars.select(pod, new Sidecars.Choice(options.container,
                        List.of(), options.ignore)), new StopPlan.Options(asked.given(), List.of(), asked.auto()));
                for (StopPlan.Step step : plan.steps()) {
                    assertFalse(step.warn(), template.where() + ": " + StopWords.sentence(step));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void everyPodCarriesTheRbacProaNeeds(String file) {
        List<HasMetadata> documents = documents(file);
        for (PodTemplate template : podTemplates(file, documents)) {
            String where = template.where();
            boolean apiFree = proaContainers(template.spec()).stream()
                    .noneMatch(c -> proaOptions(c, where).settings().sidecars().watchesPod());
            if (apiFree) {
                assertTrue(ofKind(documents, Role.class).isEmpty(), where + ": proa reads no API here; it needs no Role");
                continue;
            }
            String account = template.spec().getServiceAccountName();
            assertNotNull(account, where + ": no serviceAccountName (the namespace's default ServiceAccount should not get the Role)");
            assertTrue(names(ofKind(documents, ServiceAccount.class)).contains(account), where + ": ServiceAccount " + account + " is not in the file");

            List<String> roles = ofKind(documents, RoleBinding.class).stream()
                    .filter(binding -> binding.getSubjects().stream().anyMatch(s -> isServiceAccount(s, account)))
                    .filter(binding -> "Role".equals(binding.getRoleRef().getKind())
                            && "rbac.authorization.k8s.io".equals(binding.getRoleRef().getApiGroup()))
                    .map(binding -> binding.getRoleRef().getName())
                    .toList();
            assertFalse(roles.isEmpty(), where + ": no RoleBinding in the file binds a Role to ServiceAccount " + account);
            boolean readsPods = ofKind(documents, Role.class).stream()
                    .filter(role -> roles.contains(role.getMetadata().getName()))
                    .flatMap(role -> role.getRules().stream())
                    .anyMatch(ExamplesTest::readsPods);
            assertTrue(readsPods, where + ": no Role " + roles + " in the file grants get, list and watch on pods");
        }
    }

    @Test
    void theReadmeListsEveryExampleAndEveryFileItListsExists() throws IOException {
        String readme = Files.readString(EXAMPLES.resolve("README.md"));
        Set<String> listed = new TreeSet<>();
        Matcher link = Pattern.compile("\\]\\(([^)#:\\s]+)\\)").matcher(readme);
        while (link.find()) listed.add(link.group(1));
        for (String file : listed) assertTrue(Files.isRegularFile(EXAMPLES.resolve(file)), "examples/README.md lists " + file + ", which does not exist");
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            for (String file : files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("README.md")).toList()) {
                assertTrue(listed.contains(file), "examples/README.md does not list " + file);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Dockerfile.app", "Dockerfile.alpine", "Dockerfile.distroless"})
    void theApplicationImagesCopyProaFromTheProaImage(String dockerfile) throws IOException {
        List<String> instructions = Files.readAllLines(EXAMPLES.resolve(dockerfile)).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(instructions.getFirst().startsWith("ARG PROA_IMAGE="), dockerfile + ": ARG PROA_IMAGE comes before the first FROM");
        assertTrue(instructions.contains("FROM ${PROA_IMAGE} AS proa"), dockerfile + ": a stage named proa from ${PROA_IMAGE}");
        assertTrue(instructions.contains("COPY --from=proa /opt/proa /opt/proa"), dockerfile + ": copies /opt/proa from the proa stage");
        List<String> bases = instructions.stream().filter(l -> l.startsWith("FROM ") && !l.contains("PROA_IMAGE")).toList();
        assertEquals(1, bases.size(), dockerfile + ": one base image, " + bases);
        String base = bases.getFirst().substring("FROM ".length());
        // A version in the tag (python:3.13.9-slim-bookworm), or in the name where only that is published
        // (gcr.io/distroless/base-debian12:nonroot); never latest.
        String name = base.substring(base.lastIndexOf('/') + 1);
        assertTrue(name.matches("[^:\\s]+:\\S+") && name.matches(".*\\d.*") && !name.endsWith(":latest"),
                dockerfile + ": pin the base image's version: " + base);
    }

    // ---- The strictness of the checks above, proven on purpose-made mistakes ----

    private static final String JOB = """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: proa-canary}
            spec:
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: main
                      image: proa-example-app:latest
                      imagePullPolicy: IfNotPresent
                      env:
                        - name: POD_NAME
                          valueFrom:
                            fieldRef:
                              fieldPath: metadata.name
                      readinessProbe:
                        httpGet:
                          path: /ready
                          port: 8080
                      resources:
                        requests:
                          cpu: 100m
                  volumes:
                    - name: script
                      configMap: {name: proa-canary}
            """;

    @Test
    void theCanaryJobIsCleanAsWritten() {
        HasMetadata job = only(JOB);
        assertInstanceOf(Job.class, job);
        assertEquals(List.of(), unknownFields(job));
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            'metadata: {name: proa-canary}'  | 'metadata: {name: proa-canary, labls: {a: b}}'  | metadata.labls
            'backoffLimit: 0'                | 'backofLimit: 0'                                | spec.backofLimit
            'imagePullPolicy: IfNotPresent'  | 'imagePullPolcy: IfNotPresent'                  | spec.template.spec.containers[0].imagePullPolcy
            'fieldPath: metadata.name'       | 'feildPath: metadata.name'                      | spec.template.spec.containers[0].env[0].valueFrom.fieldRef.feildPath
            'port: 8080'                     | 'prot: 8080'                                    | spec.template.spec.containers[0].readinessProbe.httpGet.prot
            'configMap: {name: proa-canary}' | 'configMap: {name: proa-canary, optinal: true}' | spec.template.spec.volumes[0].configMap.optinal
            """)
    void aMisspelledFieldIsCaughtAtAnyDepth(String correct, String misspelled, String expectedPath) {
        String yaml = replaceOnce(JOB, correct, misspelled);
        assertEquals(List.of(expectedPath), unknownFields(only(yaml)));
    }

    @Test
    void aMisspelledFieldInARealExampleIsCaught() {
        String yaml = read("job.yaml").replace("imagePullPolicy:", "imagePullPolcy:");
        List<String> unknown = documents(yaml, "job.yaml (misspelled)").stream()
                .flatMap(document -> unknownFields(document).stream().map(path -> describe(document) + ": " + path))
                .toList();
        // Contains, not equals: a real mistake in job.yaml is everyFieldExistsInTheKubernetesApi's to report.
        assertTrue(unknown.contains("Job proa-example: spec.template.spec.containers[0].imagePullPolcy"), unknown.toString());
    }

    @Test
    void theWalkEndsOnACycle() {
        List<Object> loop = new ArrayList<>();
        ObjectMeta metadata = new ObjectMeta();
        metadata.setAdditionalProperty("unknown", "x");
        loop.add(new AnyType(loop)); // [0].value is the list itself
        loop.add(metadata);
        assertEquals(List.of("[1].unknown"), unknownFields(loop));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'kind: Job', 'kind: Jobb'", "'apiVersion: batch/v1', 'apiVersion: batch/v2'"})
    void anUnknownKindOrApiVersionIsCaught(String correct, String wrong) {
        AssertionError error = assertThrows(AssertionError.class, () -> documents(replaceOnce(JOB, correct, wrong), "canary"));
        assertTrue(error.getMessage().contains("no kind fabric8's model knows"), error.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --shutdown-http-pots=http://127.0.0.1:8080/quitquitquit -- true | Unknown option
            --startup-timeout=2min true                                      | --startup-timeout
            --on-startup-timeout=maybe true                                  | maybe
            --wait-for=a --ignore=a true                                     | a sidecar cannot be both
            --startup-timeout=2m                                             | COMMAND
            """)
    void argumentsProaRejectsAreCaught(String arguments, String expectedInMessage) {
        Container container = new Container();
        container.setName("main");
        container.setCommand(List.of(PROA));
        container.setArgs(List.of(arguments.split(" ")));
        AssertionError error = assertThrows(AssertionError.class, () -> proaOptions(container, "canary"));
        assertTrue(error.getMessage().contains("proa rejects its arguments"), error.getMessage());
        assertTrue(error.getMessage().contains(expectedInMessage), error.getMessage());
    }

    // ---- Parsing ----

    private static String read(String file) {
        try {
            return Files.readString(EXAMPLES.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<HasMetadata> documents(String file) {
        return documents(read(file), file);
    }

    /** Every document of a YAML stream, each as its own typed class (Job, Role, ...), never a generic one. */
    private static List<HasMetadata> documents(String yaml, String source) {
        Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(UTF_8)));
        List<?> all = parsed instanceof List<?> list ? list : parsed == null ? List.of() : List.of(parsed);
        List<HasMetadata> documents = new ArrayList<>();
        for (Object document : all) {
            if (!(document instanceof HasMetadata object)) {
                fail(source + ": a document that is not a Kubernetes object: " + document);
                continue;
            }
            if (object instanceof GenericKubernetesResource && !CUSTOM_KINDS.contains(object.getApiVersion() + " " + object.getKind())) {
                fail(source + ": " + describe(object) + " (apiVersion " + object.getApiVersion()
                        + ") is no kind fabric8's model knows: a misspelled kind or apiVersion, or a model missing from the test classpath");
            }
            documents.add(object);
        }
        return documents;
    }

    private static HasMetadata only(String yaml) {
        List<HasMetadata> documents = documents(yaml, "canary");
        assertEquals(1, documents.size());
        return documents.getFirst();
    }

    private static String describe(HasMetadata object) {
        return object.getKind() + " " + (object.getMetadata() == null ? "(no metadata)" : object.getMetadata().getName());
    }

    private static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> documents, Class<T> kind) {
        return documents.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** A Pod's spec, or a Job's pod template's, and where it is for messages. */
    private record PodTemplate(String where, PodSpec spec) {}

    private static List<PodTemplate> podTemplates(String file, List<HasMetadata> documents) {
        List<PodTemplate> templates = new ArrayList<>();
        for (HasMetadata document : documents) {
            String where = file + ": " + describe(document);
            if (document instanceof Job job) templates.add(new PodTemplate(where, job.getSpec().getTemplate().getSpec()));
            if (document instanceof Pod pod) templates.add(new PodTemplate(where, pod.getSpec()));
        }
        return templates;
    }

    private static Set<String> names(List<? extends HasMetadata> objects) {
        return new TreeSet<>(objects.stream().map(o -> o.getMetadata().getName()).toList());
    }

    // ---- The strict walk: every field fabric8 did not recognise ----

    /**
     * The path of every field that fabric8 kept in an {@code additionalProperties} map, anywhere in {@code root}:
     * {@code spec.template.spec.containers[0].imagePullPolcy}. It follows the fields of fabric8's model classes
     * (named by their JSON names), and every list and map in them.
     */
    static List<String> unknownFields(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", found, Collections.newSetFromMap(new IdentityHashMap<>()));
        return found;
    }

    private static void walk(Object value, String path, List<String> found, Set<Object> seen) {
        if (value == null || !seen.add(value)) return; // visited already: the graph may have cycles
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) walk(element, path + "[" + i++ + "]", found, seen);
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) walk(entry.getValue(), join(path, String.valueOf(entry.getKey())), found, seen);
            return;
        }
        if (!isModel(value.getClass())) return; // String, Integer, ...
        for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) continue;
                Object fieldValue = get(field, value);
                if (field.getName().equals("additionalProperties")) {
                    if (fieldValue instanceof Map<?, ?> unknown) {
                        for (Object key : unknown.keySet()) found.add(join(path, String.valueOf(key)));
                    }
                } else {
                    walk(fieldValue, join(path, jsonName(field)), found, seen);
                }
            }
        }
    }

    private static boolean isModel(Class<?> type) {
        return type.getName().startsWith("io.fabric8.kubernetes.api.model.");
    }

    private static Object get(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new AssertionError("cannot read " + field + " of a " + owner.getClass().getName(), e);
        }
    }

    private static String jsonName(Field field) {
        JsonProperty property = field.getAnnotation(JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : field.getName();
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    // ---- proa's containers ----

    private static List<Container> allContainers(PodSpec pod) {
        return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList();
    }

    private static List<Container> proaContainers(PodSpec pod) {
        return allContainers(pod).stream()
                .filter(c -> !c.getCommand().isEmpty() && c.getCommand().getFirst().equals(PROA))
                .toList();
    }

    /** proa's arguments (the command after its first element, then args), parsed and checked by proa's own CLI. */
    private static Options proaOptions(Container container, String where) {
        List<String> arguments = new ArrayList<>(container.getCommand().subList(1, container.getCommand().size()));
        arguments.addAll(container.getArgs());
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            // A value from the downward API (or a Secret, ...) is known only in the Pod: a placeholder stands for it.
            env.put(variable.getName(), variable.getValue() != null ? variable.getValue() : "from-" + variable.getName().toLowerCase());
        }
        Options options = new Options();
        CommandLine cli = Options.commandLine(options, env);
        try {
            cli.parseArgs(arguments.toArray(String[]::new));
            options.validate();
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(where + ": proa rejects its arguments " + arguments + ": " + e.getMessage(), e);
        }
        return options;
    }

    private static String fieldRef(Container container, String variable) {
        return container.getEnv().stream()
                .filter(v -> v.getName().equals(variable))
                .filter(v -> v.getValueFrom() != null && v.getValueFrom().getFieldRef() != null)
                .map(v -> v.getValueFrom().getFieldRef().getFieldPath())
                .findFirst()
                .orElse(null);
    }

    // ---- RBAC ----

    private static boolean isServiceAccount(Subject subject, String name) {
        return "ServiceAccount".equals(subject.getKind()) && name.equals(subject.getName()) && subject.getNamespace() == null;
    }

    private static boolean readsPods(PolicyRule rule) {
        return rule.getApiGroups().contains("")
                && rule.getResources().contains("pods")
                && rule.getVerbs().containsAll(List.of("get", "list", "watch"));
    }

    private static String replaceOnce(String text, String target, String replacement) {
        int at = text.indexOf(target);
        assertTrue(at >= 0 && text.indexOf(target, at + 1) < 0, "the canary has not exactly one " + target);
        return text.substring(0, at) + replacement + text.substring(at + target.length());
    }
}
