package dev.proa;

import dev.proa.config.Durations;
import dev.proa.config.OnStartupTimeout;
import dev.proa.config.Settings;
import dev.proa.kube.ApiErrors;
import dev.proa.kube.PodWatch;
import dev.proa.config.ExitStatus;
import dev.proa.lifecycle.Line;
import dev.proa.lifecycle.MainsWait;
import dev.proa.lifecycle.RequestRetry;
import dev.proa.lifecycle.Shutdown;
import dev.proa.lifecycle.SignalStep;
import dev.proa.lifecycle.Sources;
import dev.proa.lifecycle.Startup;
import dev.proa.probe.Endpoints;
import dev.proa.process.Command;
import dev.proa.process.Reaper;
import dev.proa.report.Logging;
import dev.proa.shutdown.ProcessKiller;
import dev.proa.shutdown.ShutdownRequests;
import dev.proa.sidecars.Deaths;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.ShutdownPlan;
import dev.proa.sidecars.Sidecars;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;

/**
 * The one event loop that owns the lifecycle. Pod updates, signals, probe results, shutdown requests' answers and
 * COMMAND's exit arrive as events in one queue, in the order they happened; time passing arrives as a wake-up when
 * nothing else did. Each phase applies its step function ({@link Startup}, {@link SignalStep}, {@link Shutdown},
 * {@link RequestRetry}) and does what it returns: log, probe, send, signal. Only this thread changes the state.
 */
public final class Lifecycle {
    /** What can happen. */
    public sealed interface Event {}

    public record PodSeen(PodView view) implements Event {}

    public record SignalArrived(int number, String name) implements Event {}

    public record Probed(Map<String, String> results) implements Event {}

    public record CommandExited(int status) implements Event {}

    public record RequestEnded(int index, RequestRetry.Result result) implements Event {}

    /** How the wait for the sidecars and COMMAND ended: the exit status, and one line saying why. */
    public record Outcome(int status, String summary) {}

    /**
     * How the shutdown ended: the sidecars still running, and one sentence (with its fix) per regular sidecar that
     * exited non-zero during it, which fails the Pod.
     */
    public record Stopped(List<String> stillRunning, List<String> failed) {
        public static final Stopped NOTHING = new Stopped(List.of(), List.of());
    }

    private final Logger log;
    private final Settings settings;
    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final Endpoints endpoints;
    private final ShutdownRequests requests;
    private final Function<HttpUrl, OkHttpClient> http;
    private final Reaper reaper;
    private final long started;
    private Sidecars.Choice choice;
    private String pod = "";
    private String origin = "";
    private PodWatch watch;
    private volatile PodView latest = PodView.UNSEEN;
    private SignalStep.State signals = SignalStep.State.INITIAL;
    private boolean planSaid;
    /** Whether the sidecars were asked to stop (every request sent once, the signals sent). */
    private boolean sidecarsAsked;

    /** {@code started}: when the startup timeout starts counting (proa's launch), on {@link System#nanoTime()}'s clock. */
    public Lifecycle(Logger log, Settings settings, Function<HttpUrl, OkHttpClient> http, Reaper reaper, long started) {
        this.log = log;
        this.settings = settings;
        this.reaper = reaper;
        this.started = started;
        this.http = http;
        this.endpoints = new Endpoints(http, settings.sidecars().waitHttp(), settings.sidecars().waitTcp());
        this.requests = new ShutdownRequests(http);
        this.choice = new Sidecars.Choice(settings.sidecars().container(), null, settings.sidecars().waitFor(),
                settings.sidecars().ignore(), settings.sidecars().mains());
    }

    /** A signal arrived (called from the JDK's signal threads): it waits its turn in the queue. */
    public void signal(int number, String name) {
        queue.add(new SignalArrived(number, name));
    }

    /**
     * Starts watching Pod {@code name} in {@code namespace}; {@code origin} says where they came from, and
     * {@code detectedContainer} which container proa runs in (null when unknown).
     */
    public void watch(KubernetesClient client, String namespace, String name, String origin, String detectedContainer) {
        this.pod = namespace + "/" + name;
        this.origin = origin;
        this.choice = new Sidecars.Choice(choice.ownContainer(), detectedContainer, choice.waitFor(), choice.ignore(),
                choice.mains());
        this.watch = new PodWatch(client, namespace, name, view -> queue.add(new PodSeen(view)),
                new ApiErrors(log, namespace)::report);
    }

    /** PID 1's reaper, which starts COMMAND. */
    public Reaper reaper() {
        return reaper;
    }

    /** The latest view of the Pod (for Events, from other threads too). */
    public PodView latest() {
        return latest;
    }

    /** Which containers are proa's own, the sidecars and the other mains (as the options and the mounts tell). */
    public Sidecars.Choice choice() {
        return choice;
    }

    /** The signal that arrived before the lifecycle began, if any (when there is no Pod to watch, say). */
    public int stoppedBy() {
        for (Event event : queue) {
            if (event instanceof SignalArrived s) return s.number();
        }
        return 0;
    }

    private Sources sources() {
        return new Sources(settings.sidecars().watchesPod(), endpoints.names());
    }

    /** Waits for the sidecars: until they are ready, one failed for good, the timeout passed, or a signal arrived. */
    public Startup.Outcome awaitStartup() throws InterruptedException {
        Startup.Settings wait = new Startup.Settings(sources(), choice, settings.startup().timeout(),
                settings.startup().onTimeout() == OnStartupTimeout.CONTINUE, Startup.PROGRESS_INTERVAL, pod, origin);
        return awaitStartup(wait);
    }

    /** The same, with the settings given (a test's shorter progress interval, say). */
    Startup.Outcome awaitStartup(Startup.Settings wait) throws InterruptedException {
        Startup.Step step = Startup.begin(wait, latest, started, System.nanoTime());
        while (true) {
            write(step.lines());
            if (step.probe()) probe(step.state().notReady().keySet());
            if (step.outcome() != null) return step.outcome();
            Startup.Input input = switch (next(step.wakeAt())) {
                case PodSeen p -> {
                    latest = p.view();
                    sayPlan();
                    yield new Startup.PodSeen(p.view());
                }
                case Probed p -> new Startup.Probed(p.results());
                case SignalArrived s -> signalled(s) == SignalStep.Effect.STOP_STARTUP
                        ? new Startup.Stopped(s.number()) : new Startup.Tick();
                case null -> new Startup.Tick();
                default -> new Startup.Tick();
            };
            step = Startup.step(wait, step.state(), input, System.nanoTime());
        }
    }

    /** Runs COMMAND to its end, passing signals on to it and saying when a sidecar dies meanwhile. */
    public Outcome run() throws InterruptedException {
        Command command;
        try {
            command = Command.start(log, settings.command(), settings.processGroup(), reaper, status -> queue.add(new CommandExited(status)));
        } catch (Command.LaunchFailed e) {
            return new Outcome(e.failure.status(), e.failure.summary());
        }
        signals = signals.in(SignalStep.Phase.RUNNING);
        prepareShutdownRequests();
        while (true) {
            switch (next(Long.MAX_VALUE)) {
                case CommandExited exited -> {
                    return new Outcome(exited.status(), command.exited(exited.status()));
                }
                case SignalArrived s -> {
                    if (signalled(s) == SignalStep.Effect.FORWARD) command.forward(s.number(), s.name());
                }
                case PodSeen p -> {
                    PodView before = latest;
                    latest = p.view();
                    if (before.pod() != null && p.view().pod() != null) {
                        try {
                            Deaths.between(before.pod(), p.view().pod(), Sidecars.select(p.view().pod(), choice))
                                    .forEach(log::warn);
                        } catch (Sidecars.NotInPod e) {
                            // the Pod was never one proa could run in: nothing to watch
                        }
                    }
                }
                case null, default -> {}
            }
        }
    }

    /**
     * While COMMAND runs, proa only waits: build the HTTP client the shutdown requests need now, in the background, so
     * that COMMAND's exit does not wait for it (and the startup, before COMMAND, did not share the CPU with it).
     */
    private void prepareShutdownRequests() {
        List<HttpUrl> urls = plan().requests().stream().map(r -> HttpUrl.get(r.url())).toList();
        if (urls.isEmpty()) return;
        Thread.ofPlatform().daemon().name("proa-http-setup").start(() -> urls.forEach(http::apply));
    }

    /**
     * How each sidecar will be stopped, from the Pod as last seen: every sidecar but --ignore's (--wait-for chooses
     * what to wait for at the start, not what must stop for the Pod to complete).
     */
    public ShutdownPlan plan() {
        ShutdownPlan.Options options = ShutdownPlan.Options.of(settings.shutdown());
        PodView view = latest;
        if (view.pod() == null || !settings.sidecars().watchesPod()) return ShutdownPlan.withoutPod(options);
        try {
            Sidecars.Choice all = new Sidecars.Choice(choice.ownContainer(), choice.detectedContainer(), List.of(),
                    choice.ignore(), choice.mains());
            return ShutdownPlan.of(view.pod(), Sidecars.select(view.pod(), all), options);
        } catch (Sidecars.NotInPod e) {
            return ShutdownPlan.withoutPod(options); // the startup fails for this reason, and says so
        }
    }

    /** The plan, said once, when the Pod is first seen: an operator learns at the start what will not stop. */
    private void sayPlan() {
        if (planSaid || latest.pod() == null) return;
        planSaid = true;
        for (ShutdownPlan.Step step : plan().steps()) {
            write(List.of(step.warn() ? Line.warn(step.sentence(), "container", step.sidecar())
                    : Line.info(step.sentence(), "container", step.sidecar())));
        }
    }

    /**
     * With --main, after COMMAND: whether this proa is the one to stop the sidecars, waiting first for the other main
     * containers to terminate when it is (see {@link MainsWait}). Without --main, or with nothing to ask the sidecars,
     * it is, at once.
     */
    public boolean awaitOtherMains() throws InterruptedException {
        Settings.Shutdown asked = settings.shutdown();
        if (plan().requests().isEmpty() && asked.kill().isEmpty() && !asked.killAll()) return true;
        signals = signals.in(SignalStep.Phase.SHUTTING_DOWN);
        MainsWait.Settings wait = new MainsWait.Settings(choice, asked.timeout());
        MainsWait.Step step = MainsWait.begin(wait, latest, System.nanoTime());
        while (true) {
            write(step.lines());
            if (step.decided().isPresent()) return step.decided().get() == MainsWait.Decision.STOP_SIDECARS;
            MainsWait.Input input = switch (next(step.wakeAt())) {
                case PodSeen p -> {
                    latest = p.view();
                    yield new MainsWait.PodSeen(p.view());
                }
                case SignalArrived s -> signalled(s) == SignalStep.Effect.SKIP_WAITING ? new MainsWait.Skip()
                        : new MainsWait.Tick();
                case null, default -> new MainsWait.Tick();
            };
            step = MainsWait.step(wait, step.state(), input, System.nanoTime());
        }
    }

    /** Asks the sidecars to stop and waits until they have; returns what was still running, and what failed. */
    public Stopped shutDown() throws InterruptedException {
        signals = signals.in(SignalStep.Phase.SHUTTING_DOWN);
        Settings.Shutdown asked = settings.shutdown();
        ShutdownPlan shutdownPlan = plan();
        List<ShutdownPlan.Request> requested = shutdownPlan.requests();
        Shutdown.Settings plan = new Shutdown.Settings(sources(), choice, asked.timeout(), requested.size(),
                !asked.kill().isEmpty() || asked.killAll(), shutdownPlan);
        Shutdown.Step step = Shutdown.begin(plan, latest, System.nanoTime());
        long deadline = step.state().deadline();
        List<RequestRetry.State> sent = new ArrayList<>();
        long[] retryAt = new long[requested.size()];
        for (ShutdownPlan.Request request : requested) {
            sent.add(RequestRetry.State.of(request));
            attempt(sent.size() - 1, RequestRetry.send(sent.getLast(), System.nanoTime(), deadline), sent, retryAt);
        }
        new ProcessKiller(log).kill(asked.kill(), asked.killAll());
        sidecarsAsked = true;
        while (true) {
            write(step.lines());
            if (step.ended().isPresent()) return new Stopped(step.ended().get(), step.state().failed());
            if (step.probe()) probeStillAnswering();
            long wakeAt = step.wakeAt();
            boolean stopped = step.state().sidecarsStopped(plan);
            for (long at : retryAt) if (at != 0) wakeAt = Math.min(wakeAt, stopped ? System.nanoTime() : at);
            Event event = next(wakeAt);
            long now = System.nanoTime();
            Shutdown.Input input = switch (event) {
                case PodSeen p -> {
                    latest = p.view();
                    yield new Shutdown.PodSeen(p.view());
                }
                case Probed p -> new Shutdown.Probed(p.results().entrySet().stream()
                        .filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList());
                case SignalArrived s -> signalled(s) == SignalStep.Effect.SKIP_WAITING ? new Shutdown.Skip() : new Shutdown.Tick();
                case RequestEnded r -> {
                    RequestRetry.Step next = RequestRetry.after(sent.get(r.index()), r.result(), now, deadline,
                            step.state().sidecarsStopped(plan));
                    yield attempt(r.index(), next, sent, retryAt) ? new Shutdown.RequestDone() : new Shutdown.Tick();
                }
                case null, default -> new Shutdown.Tick();
            };
            for (int i = 0; i < retryAt.length; i++) {
                if (retryAt[i] != 0 && (retryAt[i] <= now || stopped)) {
                    retryAt[i] = 0;
                    if (attempt(i, RequestRetry.send(sent.get(i), now, deadline), sent, retryAt)) {
                        step = Shutdown.step(plan, step.state(), new Shutdown.RequestDone(), now);
                        write(step.lines());
                        if (step.ended().isPresent()) return new Stopped(step.ended().get(), step.state().failed());
                    }
                }
            }
            step = Shutdown.step(plan, step.state(), input, now);
        }
    }

    /**
     * The last resort when the shutdown failed before its requests went out (a defect of proa's own): each request of
     * the plan once, then the signals, without waiting for the sidecars to stop. A Job must not hang on proa's defect.
     */
    public void askOnce() throws InterruptedException {
        if (sidecarsAsked) return;
        sidecarsAsked = true;
        ShutdownPlan shutdownPlan;
        try {
            shutdownPlan = plan();
        } catch (RuntimeException e) {
            shutdownPlan = ShutdownPlan.withoutPod(ShutdownPlan.Options.of(settings.shutdown()));
        }
        BlockingQueue<Line> said = new LinkedBlockingQueue<>();
        List<ShutdownPlan.Request> requested = shutdownPlan.requests();
        for (ShutdownPlan.Request request : requested) {
            RequestRetry.State state = RequestRetry.State.of(request);
            requests.send(state, RequestRetry.PER_REQUEST_TIMEOUT, result -> said.addAll(
                    RequestRetry.after(state, result, System.nanoTime(), System.nanoTime(), true).lines()));
        }
        new ProcessKiller(log).kill(settings.shutdown().kill(), settings.shutdown().killAll());
        for (int i = 0; i < requested.size(); i++) {
            Line line = said.poll(RequestRetry.PER_REQUEST_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
            if (line == null) break; // each request's own timeout ended it; this is only a bound
            write(List.of(line));
        }
    }

    /** Does what a request's step says: send now, or wait to retry. Returns whether the request is done. */
    private boolean attempt(int index, RequestRetry.Step step, List<RequestRetry.State> sent, long[] retryAt) {
        write(step.lines());
        sent.set(index, step.state());
        if (step.done()) return true;
        if (step.sendTimeout().isPositive()) {
            requests.send(step.state(), step.sendTimeout(), result -> queue.add(new RequestEnded(index, result)));
        } else {
            retryAt[index] = step.retryAt();
        }
        return false;
    }

    private SignalStep.Effect signalled(SignalArrived s) {
        SignalStep.Step step = SignalStep.received(signals, s.number(), s.name());
        signals = step.state();
        write(step.lines());
        return step.effect();
    }

    /** The next event, or null once {@code wakeAt} (on the nanoTime clock) has come with none. */
    private Event next(long wakeAt) throws InterruptedException {
        long left = wakeAt == Long.MAX_VALUE ? Long.MAX_VALUE : Durations.between(System.nanoTime(), wakeAt);
        return left == Long.MAX_VALUE ? queue.take() : queue.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
    }

    /** Probes {@code targets} in the background; the results arrive as an event. */
    private void probe(java.util.Collection<String> targets) {
        List<String> names = List.copyOf(targets);
        Thread.ofVirtual().name("proa-probe").start(() -> {
            try {
                queue.add(new Probed(endpoints.check(names, false)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void probeStillAnswering() {
        Thread.ofVirtual().name("proa-probe").start(() -> {
            try {
                queue.add(new Probed(endpoints.check(endpoints.names(), true)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void write(List<Line> lines) {
        for (Line line : lines) {
            var builder = switch (line.level()) {
                case ERROR -> log.atError();
                case WARN -> log.atWarn();
                case INFO -> log.atInfo();
                case DEBUG -> log.atDebug();
            };
            List<Object> fields = new ArrayList<>();
            line.fields().forEach((k, v) -> {
                fields.add(k);
                fields.add(v);
            });
            Logging.with(builder, fields.toArray()).log(line.text());
        }
    }

    /** Stops watching the Pod. */
    public void close() {
        if (watch != null) watch.close();
    }
}
