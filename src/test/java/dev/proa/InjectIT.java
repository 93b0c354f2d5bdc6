package dev.proa;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proa.config.Options;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code proa inject}, the jar as a process, on multi-document YAML: what reaches stdout, stderr, and the exit status. */
class InjectIT {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final String IMAGE = "registry.example/proa:0.1.0";

    @TempDir
    Path dir;

    /** A ConfigMap, a Job (its main container after Istio's proxy), a CronJob, each a document of one stream. */
    static final String MANIFESTS = """
            # comments are not kept
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {port: "8080", verbose: "true"}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: report, namespace: jobs}
            spec:
              backoffLimit: 0
              template:
                spec:
                  serviceAccountName: reporter
                  restartPolicy: Never
                  containers:
                    - name: istio-proxy
                      image: docker.io/istio/proxyv2:1.24.0
                      args: [proxy, sidecar]
                    - name: main
                      image: app:1
                      command: [python3, /app/report.py]
                      args: [--day, monday]
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly, namespace: jobs}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: main
                          image: app:1
                          command: [sh, -c, 'echo "$0 $1"', hello]
                          args: [world]
            """;

    /**
     * proa's signals are held from its first instruction, so a tool must read them too: a SIGTERM (or Ctrl-C) ends
     * an inject that waits for its input, with 128+N. (Sent before the reader runs, it waits, pending, for it.)
     */
    @Test
    void aSigtermEndsAnInjectWaitingForItsInput() throws Exception {
        ProaRun run = ProaRun.start(dir, Map.of(), List.of("inject", "--image=" + IMAGE, "-f", "-"));
        try {
            TestSupport.awaitTrue(() -> readsSignals(run.process.pid())); // relaunched, with its reader
            dev.proa.process.Libc.kill(run.process.pid(), 15);
            assertEquals(143, run.exitStatus(), run.log());
        } finally {
            run.process.getOutputStream().close();
            run.process.destroyForcibly();
        }
    }

    /** Whether process {@code pid} has proa's signal reader thread (named proa-signals). */
    private static boolean readsSignals(long pid) {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return tasks.anyMatch(t -> TestSupport.read(t.resolve("comm")).strip().equals("proa-signals"));
        } catch (IOException e) {
            return false; // it exited, or is exiting: the assertion on its status says which
        }
    }

    private ProaRun inject(String stdin, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("inject"));
        all.addAll(List.of(args));
        ProaRun run = ProaRun.start(dir, Map.of(), all);
        try (OutputStream in = run.process.getOutputStream()) {
            in.write(stdin.getBytes(UTF_8));
        }
        return run;
    }

    private static List<HasMetadata> typed(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(UTF_8)));
        List<HasMetadata> documents = new ArrayList<>();
        for (Object document : parsed instanceof List<?> list ? list : List.of(parsed)) documents.add((HasMetadata) document);
        return documents;
    }

    /** What the kubelet would run in the main container, parsed by proa's own command line. */
    private static Options proaOf(Container main) {
        List<String> argv = new ArrayList<>(main.getCommand());
        argv.addAll(main.getArgs());
        assertEquals("/opt/proa/bin/proa", argv.getFirst());
        Options options = new Options();
        Options.commandLine(options, Map.of()).parseArgs(argv.subList(1, argv.size()).toArray(String[]::new));
        options.validate();
        return options;
    }

    @Test
    void aStreamOfManifestsIsWrittenInjectedInTheSameOrder() throws Exception {
        ProaRun run = inject(MANIFESTS, "--image=" + IMAGE, "--rbac", "--", "--startup-timeout=2m");
        assertEquals(0, run.exitStatus(), run.log());
        List<HasMetadata> out = typed(run.output());
        assertEquals(List.of("ConfigMap", "Job", "CronJob", "Role", "RoleBinding", "RoleBinding"),
                out.stream().map(HasMetadata::getKind).toList(), run.output());
        assertEquals(Map.of("port", "8080", "verbose", "true"), ((ConfigMap) out.get(0)).getData());

        PodSpec job = ((Job) out.get(1)).getSpec().getTemplate().getSpec();
        assertEquals(List.of("proxy", "sidecar"), job.getContainers().get(0).getArgs(), "Istio's proxy untouched");
        Options options = proaOf(job.getContainers().get(1));
        assertEquals(List.of("python3", "/app/report.py", "--day", "monday"), options.command);
        assertEquals(Duration.ofMinutes(2), options.startupTimeout);
        assertEquals(IMAGE, job.getVolumes().getFirst().getImage().getReference());

        PodSpec cron = ((CronJob) out.get(2)).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        assertEquals(List.of("sh", "-c", "echo \"$0 $1\"", "hello", "world"), proaOf(cron.getContainers().getFirst()).command);

        Role role = (Role) out.get(3);
        assertEquals("jobs", role.getMetadata().getNamespace());
        assertEquals(List.of("get", "list", "watch"), role.getRules().getFirst().getVerbs());
        RoleBinding binding = (RoleBinding) out.get(4);
        assertEquals("reporter", binding.getSubjects().getFirst().getName(), "the Job's service account");
        assertEquals("proa", binding.getRoleRef().getName());
        assertEquals("default", ((RoleBinding) out.get(5)).getSubjects().getFirst().getName(), "the CronJob has none");
        String log = run.log();
        assertTrue(log.contains("Job jobs/report: container main: proa injected (image volume of " + IMAGE), log);
        assertTrue(log.contains("ConfigMap settings: no Pod template: unchanged"), log);
        assertTrue(log.contains("the namespace's default ServiceAccount"), log);
        BadInput.noInternals(log);
    }

    @Test
    void filesAndDirectoriesInCopyModeAsJson() throws Exception {
        Path manifests = Files.createDirectory(dir.resolve("manifests"));
        Files.writeString(manifests.resolve("a.yaml"), MANIFESTS);
        Files.writeString(manifests.resolve("notes.txt"), "not a manifest");
        ProaRun run = inject("", "-f", manifests.toString(), "--image", IMAGE, "--mode=copy", "-o", "json");
        assertEquals(0, run.exitStatus(), run.log());
        JsonNode list = new ObjectMapper().readTree(run.output());
        assertEquals("List", list.path("kind").asText());
        assertEquals(3, list.path("items").size());
        JsonNode job = list.at("/items/1/spec/template/spec");
        assertEquals("proa-copy", job.at("/initContainers/0/name").asText());
        assertTrue(job.at("/volumes/0/emptyDir").isObject());
    }

    @Test
    void theExamplesJobsAlreadyRunProaAndComeOutAsTheyWentIn() throws Exception {
        ProaRun run = inject("", "-f", Path.of("examples").toAbsolutePath().toString(), "--image=" + IMAGE);
        assertEquals(0, run.exitStatus(), run.log());
        assertTrue(run.log().contains("container main already runs proa: unchanged"), run.log());
        assertTrue(run.log().contains("Deployment proa-webhook: opted out by the annotation proa.dev/inject: disabled"), run.log());
        assertTrue(!run.log().contains("proa injected"), run.log());
    }

    @Test
    void aContainerWithoutCommandIsRefusedAndNothingIsWritten() throws Exception {
        String noCommand = MANIFESTS.replace("command: [python3, /app/report.py]", "workingDir: /app");
        long started = System.nanoTime();
        ProaRun run = inject(noCommand, "--image=" + IMAGE);
        BadInput.check(run, started, Duration.ofSeconds(30), 1, "container main has no command");
        assertEquals("", run.output(), "nothing on stdout");
        assertTrue(run.log().contains("refused Job jobs/report (stdin document 2)"), run.log());
        assertTrue(run.log().contains("Fix: set command"), run.log());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no --image                  | -f,-                                          | 2 | --image
            an unknown option           | --image=x,--imag=y                            | 2 | --imag=y
            a mode that does not exist  | --image=x,--mode=volume                       | 2 | volume
            a missing file              | --image=x,-f,nope.yaml                        | 2 | -f nope.yaml: no such file
            a misspelled proa option    | --image=x,--,--startup-timout=2m              | 2 | --startup-timout=2m
            a malformed proa value      | --image=x,--,--startup-timeout=2min           | 2 | 2min
            a command after --          | --image=x,--,--events,python3                 | 2 | 'python3' is not an option of proa
            """)
    void usageErrorsExit2NamingTheBadValue(String what, String args, int status, String naming) throws Exception {
        long started = System.nanoTime();
        ProaRun run = inject(MANIFESTS, args.split(","));
        BadInput.check(run, started, Duration.ofSeconds(30), status, naming);
        assertEquals("", run.output());
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedNamingWhereInTheManifest() throws Exception {
        long started = System.nanoTime();
        ProaRun run = inject(MANIFESTS.replace("args: [--day, monday]", "args: {day: monday}"), "--image=x");
        BadInput.check(run, started, Duration.ofSeconds(30), 1, "spec.template.spec.containers[1].args holds a value of the wrong type");
        assertEquals("", run.output());
    }

    @Test
    void yamlThatDoesNotParseIsNamedWithItsLine() throws Exception {
        long started = System.nanoTime();
        ProaRun run = inject("apiVersion: v1\nkind: [ConfigMap\n", "--image=x");
        BadInput.check(run, started, Duration.ofSeconds(30), 1, "stdin: not valid YAML at line");
        assertEquals("", run.output());
    }

    @Test
    void helpIsPrintedWithExit0() throws Exception {
        ProaRun run = inject("", "--help");
        assertEquals(0, run.exitStatus());
        assertTrue(run.output().contains("Usage: proa inject [-f FILE|DIR|-]..."), run.output());
        assertTrue(run.output().contains("--rbac"), run.output());
    }

    @Test
    void aProgramNamedInjectStillRunsAfterDashes() throws Exception {
        Path program = dir.resolve("inject");
        Files.writeString(program, "#!/bin/sh\necho ran inject \"$@\"\n");
        assertTrue(program.toFile().setExecutable(true));
        ProaRun run = ProaRun.start(dir, Map.of("PROA_DISABLED", "true", "PATH", dir + ":" + System.getenv("PATH")),
                List.of("--", "inject", "-f", "x"));
        assertEquals(0, run.exitStatus(), run.log());
        assertEquals("ran inject -f x\n", run.output());
    }
}
