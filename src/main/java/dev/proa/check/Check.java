package dev.proa.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.proa.check.Report.Identity;
import dev.proa.check.Report.Permission;
import dev.proa.check.Report.Probe;
import dev.proa.check.Report.SidecarPlan;
import dev.proa.config.Settings;
import dev.proa.config.Urls;
import dev.proa.kube.ApiErrors;
import dev.proa.probe.Endpoints;
import dev.proa.probe.HttpClients;
import dev.proa.kube.Cluster;
import dev.proa.kube.OwnContainer;
import dev.proa.kube.PodWatch;
import dev.proa.sidecars.Pods;
import dev.proa.sidecars.ReadinessProbes;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.StopWords;
import dev.proa.sidecars.Sidecars;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * {@code proa check}: the plan of a run, and whether it will work, found out in a few seconds before the Job runs. It
 * reads the Pod once, asks the API server what the service account may do, and (with {@code --probe}) knocks once on
 * each readiness target and each shutdown endpoint's port; it never starts or stops anything.
 */
public final class Check {
    private static final ResourceDefinitionContext ACCESS_REVIEW = new ResourceDefinitionContext.Builder()
            .withGroup("authorization.k8s.io").withVersion("v1").withKind("SelfSubjectAccessReview")
            .withPlural("selfsubjectaccessreviews").withNamespaced(false).build();

    private final Settings settings;
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    private Check(Settings settings, Map<String, String> env) {
        this.settings = settings;
        this.env = env;
    }

    /**
     * Runs the check and prints its report on {@code out}: 0 when the plan is complete and permitted, else 1.
     * {@code unknownMachine}: why proa cannot run on this machine at all (its system calls), or null.
     */
    public static int run(Settings settings, Map<String, String> env, boolean probe, boolean json, PrintStream out,
            String unknownMachine) {
        Check check = new Check(settings, env);
        if (unknownMachine != null) check.problems.add(unknownMachine);
        Report report = check.report(probe);
        try {
            out.print(json ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report) + "\n"
                    : report.text());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
        return report.complete() ? 0 : CHECK_FAILED;
    }

    /** The exit status of a check that found something to fix. */
    private static final int CHECK_FAILED = 1;

    private Report report(boolean probe) {
        List<SidecarPlan> sidecars = new ArrayList<>();
        List<Permission> permissions = new ArrayList<>();
        List<Probe> probes = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        settings.sidecars().waitHttp().forEach(u -> targets.add(Urls.printable(u)));
        settings.sidecars().waitTcp().forEach(a -> targets.add("tcp://" + a.getHostString() + ":" + a.getPort()));
        Identity identity = null;
        if (settings.sidecars().watchesPod()) {
            try {
                identity = readPod(sidecars, permissions);
            } catch (RuntimeException e) { // a defect of proa's: still a report, with the problem in it
                LoggerFactory.getLogger("proa").debug("Reading the Pod failed", e);
                problems.add("Could not make the plan, on an error of proa's own (" + e.getMessage() + "); run with"
                        + " --log-level=debug for the details");
            }
        }
        if (probe) probes.addAll(probe());
        return new Report(identity, sidecars, targets, permissions, probes, problems);
    }

    /** The Pod's part: who proa is, its sidecars, and the service account's permissions. */
    private Identity readPod(List<SidecarPlan> sidecars, List<Permission> permissions) {
        Cluster cluster;
        try {
            cluster = Cluster.locate(settings.pod(), env);
        } catch (Cluster.Unreachable e) {
            problems.add(e.getMessage());
            return null;
        }
        String namespace = cluster.namespace.value();
        try (KubernetesClient client = cluster.client(LoggerFactory.getLogger("proa"))) {
            permissions.addAll(permissions(client, namespace));
            GenericKubernetesResource resource = client.genericKubernetesResources(PodWatch.POD).inNamespace(namespace)
                    .withName(cluster.podName.value()).get();
            String[] container = ownContainer();
            Identity identity = new Identity(cluster.podName.value(), cluster.podName.source(), namespace,
                    cluster.namespace.source(), container[0], container[1], cluster.config.getMasterUrl());
            if (resource == null) {
                problems.add("Pod " + namespace + "/" + cluster.podName.value() + " does not exist: check --pod-name and"
                        + " --namespace (or POD_NAME and POD_NAMESPACE)");
                return identity;
            }
            Pod pod = Pods.fromResource(resource);
            sidecars.addAll(plans(pod, spec(resource), container[0]));
            boolean usable = Pods.shape(pod) instanceof Pods.Usable; // else plans() named what is wrong with it
            if (container[0] == null) {
                identity = new Identity(identity.pod(), identity.podSource(), namespace, identity.namespaceSource(),
                        usable ? pod.getSpec().getContainers().getFirst().getName() : null,
                        usable ? "the Pod's first container" : "nowhere: the Pod is malformed", identity.apiServer());
            }
            return identity;
        } catch (KubernetesClientException e) {
            problems.add("Could not read Pod " + namespace + "/" + cluster.podName.value() + ": " + ApiErrors.describe(e));
            return new Identity(cluster.podName.value(), cluster.podName.source(), namespace, cluster.namespace.source(),
                    null, "unknown", cluster.config.getMasterUrl());
        }
    }

    /** proa's container and where that came from: --container, else its kubelet mounts, else (null) the first one. */
    private String[] ownContainer() {
        if (settings.sidecars().container() != null) {
            return new String[] {settings.sidecars().container(), "--container or PROA_CONTAINER"};
        }
        Optional<String> mounted = OwnContainer.detect();
        return mounted.map(c -> new String[] {c, "the kubelet mounts"}).orElse(new String[] {null, "the Pod's first container"});
    }

    /**
     * Each sidecar: how it becomes ready (when waited for) and how it is stopped, from the same plan a run logs at its
     * start (every sidecar but --ignore's: --wait-for chooses what to wait for, not what must stop).
     */
    private List<SidecarPlan> plans(Pod pod, Map<String, Object> spec, String detected) {
        Sidecars.Choice choice = new Sidecars.Choice(settings.sidecars().container(), detected,
                settings.sidecars().waitFor(), settings.sidecars().ignore(), settings.sidecars().mains());
        List<SidecarPlan> plans = new ArrayList<>();
        try {
            List<String> waited = Sidecars.select(pod, choice).stream().map(Sidecars.Sidecar::name).toList();
            List<Sidecars.Sidecar> sidecars = Sidecars.select(pod, choice.stopped());
            StopPlan plan = StopPlan.of(pod, sidecars, StopPlan.Options.of(settings.stop()));
            for (StopPlan.Step step : plan.ordered()) { // in the order they are stopped
                String name = step.sidecar();
                String readiness = waited.contains(name) ? ReadinessProbes.describe(spec, name)
                        : "not waited for (--wait-for names others)";
                if (step.warn()) problems.add("Sidecar " + name + ": " + StopWords.description(step));
                String phase = StopWords.phase(plan, step);
                plans.add(new SidecarPlan(name, step.phase() == StopPlan.NO_PHASE, readiness,
                        StopWords.description(step), phase.isEmpty() ? null : phase, StopWords.escalation(plan, step)));
            }
            List<String> names = sidecars.stream().map(Sidecars.Sidecar::name).toList();
            plan.strays().forEach(stray -> problems.add(StopWords.stray(stray, names).replaceFirst("^Shutdown plan: ", "")));
        } catch (Sidecars.NotInPod e) {
            problems.add(e.getMessage());
        }
        return plans;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return resource.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** What the run needs of the API, asked with SelfSubjectAccessReviews; each denial is a problem, with its fix. */
    private List<Permission> permissions(KubernetesClient client, String namespace) {
        List<String[]> needed = new ArrayList<>(List.of(
                new String[] {"get", "pods"}, new String[] {"list", "pods"}, new String[] {"watch", "pods"}));
        if (settings.report().events()) needed.add(new String[] {"create", "events"});
        List<Permission> answers = new ArrayList<>();
        List<String> denied = new ArrayList<>();
        for (String[] need : needed) {
            Permission answer = ask(client, namespace, need[0], need[1]);
            answers.add(answer);
            if (Boolean.FALSE.equals(answer.allowed())) denied.add(need[0] + " " + need[1]);
        }
        answers.stream().filter(a -> a.allowed() == null).forEach(a -> problems.add("Could not find out whether the"
                + " service account may " + a.verb() + " " + a.resource() + " in namespace " + namespace + ": " + a.error()));
        if (!denied.isEmpty()) {
            problems.add("The service account may not " + String.join(", ", denied) + " in namespace " + namespace
                    + ". This Role and RoleBinding grant what proa needs:\n"
                    + ApiErrors.role(namespace, "<the Pod's serviceAccountName>", namespace, settings.report().events()));
        }
        return answers;
    }

    private static Permission ask(KubernetesClient client, String namespace, String verb, String resource) {
        GenericKubernetesResource review = new GenericKubernetesResource();
        review.setApiVersion("authorization.k8s.io/v1");
        review.setKind("SelfSubjectAccessReview");
        review.setAdditionalProperty("spec", Map.of("resourceAttributes",
                Map.of("namespace", namespace, "verb", verb, "resource", resource)));
        try {
            GenericKubernetesResource answer = client.genericKubernetesResources(ACCESS_REVIEW).resource(review).create();
            Object status = answer.getAdditionalProperties().get("status");
            Object allowed = status instanceof Map<?, ?> s ? s.get("allowed") : null;
            if (allowed instanceof Boolean b) return new Permission(verb, resource, b, null);
            return new Permission(verb, resource, null, "the API server's answer said nothing about it");
        } catch (KubernetesClientException e) {
            return new Permission(verb, resource, null, ApiErrors.describe(e));
        }
    }

    /**
     * One knock on each readiness target (its own kind of request: an HTTP GET, or a TCP connect) and on each shutdown
     * endpoint's port (a TCP connect only: never the request that would stop a sidecar); the run's own probes.
     */
    private List<Probe> probe() {
        List<Knock> knocks = new ArrayList<>();
        settings.sidecars().waitHttp().forEach(u -> knocks.add(new Knock(Urls.printable(u), Urls.printable(u))));
        settings.sidecars().waitTcp().forEach(a -> knocks.add(new Knock(Endpoints.name(a), Endpoints.name(a))));
        List<InetSocketAddress> ports = new ArrayList<>(settings.sidecars().waitTcp());
        for (Settings.Request r : settings.stop().requests()) {
            InetSocketAddress port = InetSocketAddress.createUnresolved(r.url().host(), r.url().port());
            ports.add(port);
            knocks.add(new Knock(r.method() + " " + Urls.printable(r.url()) + " (its port)", Endpoints.name(port)));
        }
        Map<String, Endpoints.Answer> answers;
        try {
            answers = new Endpoints(new HttpClients(), settings.sidecars().waitHttp(), ports)
                    .knock(knocks.stream().map(Knock::target).distinct().toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        List<Probe> probes = knocks.stream().map(k -> probe(k.label(), answers.get(k.target()))).toList();
        probes.stream().filter(p -> !p.answered())
                .forEach(p -> problems.add(p.target() + " did not answer from here: " + p.result()));
        return probes;
    }

    /** A knock the report shows as {@code label}, on the probes' {@code target}. */
    private record Knock(String label, String target) {}

    private static Probe probe(String target, Endpoints.Answer answer) {
        return switch (answer) {
            case Endpoints.Answered a when a.status() == 0 -> new Probe(target, true, "accepts connections");
            case Endpoints.Answered a -> new Probe(target, true,
                    "answered " + a.status() + (a.answers(false) ? " (ready)" : " (not ready yet)"));
            case Endpoints.Silent silent -> new Probe(target, false, silent.why());
        };
    }
}
