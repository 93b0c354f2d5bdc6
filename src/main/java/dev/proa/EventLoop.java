package dev.proa;

import dev.proa.config.Durations;
import dev.proa.config.OnStartupTimeout;
import dev.proa.config.Settings;
import dev.proa.kube.LazyWatch;
import dev.proa.lifecycle.Deadline;
import dev.proa.lifecycle.MainsWait;
import dev.proa.lifecycle.Outcome;
import dev.proa.lifecycle.RequestRetry;
import dev.proa.lifecycle.Shutdown;
import dev.proa.lifecycle.SignalStep;
import dev.proa.lifecycle.Sources;
import dev.proa.lifecycle.Startup;
import dev.proa.probe.Endpoints;
import dev.proa.process.Command;
import dev.proa.process.Reaper;
import dev.proa.report.Logging;
import dev.proa.stopping.ContainerProcesses;
import dev.proa.stopping.ProcessKiller;
import dev.proa.stopping.StopRequests;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.Sidecars;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;

/**
 * The one event loop that owns the run. Pod updates, signals, probe results, shutdown requests' ends and COMMAND's exit
 * arrive as events in one queue, in the order they happened; time passing arrives as a wake-up when nothing else did.
 * One loop ({@link #drive}) runs every {@link Phase}: it hands each event to the phase, and performs what the phase's
 * pure step returns (log, probe, send, signal). Only this thread changes the state.
 */
public final class EventLoop {
    private final Logger log;
    private final Settings settings;
    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final Endpoints endpoints;
    private final Probing probing;
    private final StopRequests requests;
    private final Function<HttpUrl, OkHttpClient> http;
    private final Reaper reaper;
    private final long started;
    private Sidecars.Choice choice;
    private String pod = "";
    private String origin = "";
    private LazyWatch watch;
    private volatile PodView latest = PodView.UNSEEN;
    private SignalStep.State signals = SignalStep.State.INITIAL;
    private Command command;
    private final StopPlans plans;
    /** How many probes were asked for; and the one whose answer the current phase awaits (0: none). */
    private long probes, probeAwaited;
    /** Whether COMMAND's start was rehearsed while waiting (see {@link Command#rehearse}). */
    private boolean rehearsed;
    /** Whether the sidecars were asked to stop (a request sent, or the signals). */
    private boolean sidecarsAsked;

    /** {@code started}: when the startup timeout starts counting (proa's launch), on {@link System#nanoTime()}'s clock. */
    public EventLoop(Logger log, Settings settings, Function<HttpUrl, OkHttpClient> http, Reaper reaper, long started) {
        this.log = log;
        this.settings = settings;
        this.reaper = reaper;
        this.started = started;
        this.http = http;
        this.endpoints = new Endpoints(http, settings.sidecars().waitHttp(), settings.sidecars().waitTcp());
        this.probing = new Probing(log, endpoints, queue::add);
        this.requests = new StopRequests(log, http);
        this.plans = new StopPlans(settings);
        this.choice = new Sidecars.Choice(settings.sidecars().container(), null, settings.sidecars().waitFor(),
                settings.sidecars().ignore(), settings.sidecars().mains());
    }

    /** A signal arrived (called from the JDK's signal threads): it waits its turn in the queue. */
    public void signal(int number, String name) {
        queue.add(new Event.SignalArrived(number, name));
    }

    /**
     * Follows Pod {@code pod} (namespace/name; {@code origin} says where they came from; {@code detectedContainer} is
     * proa's container, null when unknown) through {@code watch}, which hands its views to {@link #seen}.
     */
    public void watch(LazyWatch watch, String pod, String origin, String detectedContainer) {
        this.pod = pod;
        this.origin = origin;
        this.choice = new Sidecars.Choice(choice.ownContainer(), detectedContainer, choice.waitFor(), choice.ignore(),
                choice.mains());
        this.watch = watch;
    }

    /** A new view of the Pod (called from the API's threads): it waits its turn in the queue. */
    public void seen(PodView view) {
        queue.add(new Event.PodSeen(view));
    }

    /** The latest view of the Pod (for Events, from other threads too). */
    public PodView latest() {
        return latest;
    }

    /** Which containers are proa's own, the sidecars and the other mains (as the options and the mounts tell). */
    public Sidecars.Choice choice() {
        return choice;
    }

    /** The signal that arrived before the run began and would end a program, if any (SIGWINCH: no; see SignalStep). */
    public int stoppedBy() {
        return queue.stream().mapToInt(e -> e instanceof Event.SignalArrived s
                && SignalStep.defaultOf(s.name()) == SignalStep.Default.END ? s.number() : 0).filter(n -> n != 0)
                .findFirst().orElse(0);
    }

    private Sources sources() {
        return new Sources(settings.sidecars().watchesPod(), endpoints.names());
    }

    /** Waits for the sidecars: until they are ready, one failed for good, the timeout passed, or a signal arrived. */
    public Startup.End awaitStartup() throws InterruptedException {
        Startup.Rules wait = new Startup.Rules(sources(), choice, settings.startup().timeout(),
                settings.startup().onTimeout() == OnStartupTimeout.CONTINUE, Startup.PROGRESS_INTERVAL, pod, origin,
                settings.statuses());
        return awaitStartup(wait);
    }

    /** The same, with the settings given (a test's shorter progress interval, say). */
    Startup.End awaitStartup(Startup.Rules wait) throws InterruptedException {
        return drive(new Phases.Starting(wait, latest, started, () -> plans.lines(latest, choice)));
    }

    /** Runs COMMAND to its end, passing signals on to it and saying when a sidecar dies meanwhile. */
    public Outcome run() throws InterruptedException {
        try {
            command = Command.start(log, settings.command(), settings.processGroup(), reaper, settings.statuses(),
                    s -> queue.add(new Event.CommandExited(s)));
        } catch (Command.LaunchFailed e) {
            return new Outcome.NotStarted(Outcome.Reason.ofLaunch(e.failure.status()), e.failure.summary());
        }
        if (watch != null) watch.open(); // the stop needs it; so does a sidecar's death while COMMAND runs
        prepareShutdownRequests();
        int status = untilExit(new Phases.Running(choice, latest));
        command.exited(status); // says it
        return new Outcome.Ran(status);
    }

    /**
     * Drives {@code running} until COMMAND exits. COMMAND runs whatever fails in proa meanwhile: a defect of proa's own
     * in a step is said, and the loop goes on (abandoning COMMAND would lose its status).
     */
    int untilExit(Phase<Integer> running) throws InterruptedException {
        while (true) {
            try {
                return drive(running);
            } catch (RuntimeException e) {
                log.warn("proa failed on an error of its own while COMMAND runs ({}; the details at --log-level=debug);"
                        + " COMMAND goes on, and proa waits for it as before", Logging.sentence(e));
                log.debug("proa failed while COMMAND runs", e);
            }
        }
    }

    /**
     * While COMMAND runs, proa only waits: build the HTTP client the shutdown requests need now, in the background, so
     * that COMMAND's exit does not wait for it (and the startup, before COMMAND, did not share the CPU with it).
     */
    private void prepareShutdownRequests() {
        try {
            List<HttpUrl> urls = plan().requests().stream().map(r -> HttpUrl.get(r.url())).toList();
            if (urls.isEmpty()) return;
            Thread.ofPlatform().daemon().name("proa-http-setup").start(() -> urls.forEach(http::apply));
        } catch (RuntimeException e) {
            // Only an optimisation: the shutdown builds what it needs then, and says what fails.
            log.debug("Could not prepare the shutdown requests' HTTP client ahead", e);
        }
    }

    /** How each sidecar will be stopped, from the Pod as last seen. */
    private StopPlan plan() {
        return plans.plan(latest, choice);
    }

    /**
     * The stop, after COMMAND (or the startup) ended: with --main, wait until it is this proa's turn (see
     * {@link MainsWait}), then ask the sidecars to stop and wait until they have. One deadline, resolved now, bounds
     * both together. Returns what was still running, and what failed.
     */
    public Shutdown.Stopped stop() throws InterruptedException {
        if (watch != null) watch.open();
        Deadline deadline = Deadline.of(settings.stop().timeout(), latest, System.nanoTime());
        Settings.Stop asked = settings.stop();
        boolean kills = !asked.kill().isEmpty() || asked.killAll();
        MainsWait.Rules mains = new MainsWait.Rules(choice, deadline, kills || !plan().requests().isEmpty());
        if (drive(new Phases.MainsWaiting(mains, latest)) == MainsWait.Decision.LEAVE_THEM) {
            return Shutdown.Stopped.NOTHING; // another main's proa stops them
        }
        Shutdown.Stopped stopped = drive(new Phases.ShuttingDown(new Shutdown.Rules(sources(), choice, deadline, kills,
                plan()), latest));
        if (!stopped.sentAsItEnded().isEmpty()) {
            long until = Durations.plus(System.nanoTime(), Shutdown.LAST_ANSWERS);
            drive(new Phases.AskingOnce(stopped.sentAsItEnded(), until, false, RequestRetry.AS_IT_ENDS));
        }
        return stopped;
    }

    /**
     * The last resort when the stop failed before its requests went out (a defect of proa's own): each request of
     * the plan once, then the signals, without waiting for the sidecars to stop. A Job must not hang on proa's defect.
     */
    public void askOnce() throws InterruptedException {
        if (sidecarsAsked) return;
        StopPlan plan;
        try {
            plan = plan();
        } catch (RuntimeException e) {
            plan = StopPlans.withoutPod(settings);
        }
        long until = Durations.plus(System.nanoTime(), RequestRetry.PER_REQUEST_TIMEOUT.plusSeconds(1));
        drive(new Phases.AskingOnce(Shutdown.once(plan), until, true, RequestRetry.AFTER_AN_ERROR));
    }

    /** Drives {@code phase} from its start to its result: the one loop of every phase. */
    private <R> R drive(Phase<R> phase) throws InterruptedException {
        signals = signals.in(phase.signals());
        probeAwaited = 0; // a probe of an earlier phase answers a question this one did not ask
        Phase.Turn<R> turn = phase.begin(System.nanoTime());
        while (true) {
            perform(turn);
            if (turn.result() != null) return turn.result();
            Event event = next(turn.wakeAt());
            while (event instanceof Event.Probed p && p.probe() != probeAwaited) event = next(turn.wakeAt());
            if (event instanceof Event.PodSeen p) latest = p.view();
            if (event instanceof Event.SignalArrived s) event = signalled(s);
            turn = phase.on(event, System.nanoTime());
            // The first read of the Pod (see LazyWatch) did not end the phase: the watch must tell what comes next;
            // meanwhile COMMAND's start is rehearsed, so that it waits less once the sidecars are ready.
            if (event instanceof Event.PodSeen && turn.result() == null && watch != null) {
                watch.open();
                if (phase instanceof Phases.Starting && !rehearsed) {
                    rehearsed = true;
                    Command.rehearse(log, settings.command());
                }
            }
        }
    }

    /** Does what a step returned: the requests and signals first (nothing should delay them), then logs, then the rest. */
    private void perform(Phase.Turn<?> turn) {
        for (Phase.Effect effect : turn.effects()) {
            switch (effect) {
                case Phase.Send s -> {
                    sidecarsAsked = true;
                    int index = s.send().index();
                    requests.send(s.send().request(), s.send().timeout(),
                            result -> queue.add(new Event.RequestEnded(index, result)));
                }
                case Phase.Kill k -> {
                    sidecarsAsked = true;
                    new ProcessKiller(log).kill(settings.stop().kill(), settings.stop().killAll());
                }
                case Phase.Escalate e -> new ContainerProcesses(log).terminate(e.escalate().sidecar(),
                        e.escalate().containerId());
                default -> {}
            }
        }
        LogLines.write(log, turn.lines());
        for (Phase.Effect effect : turn.effects()) {
            switch (effect) {
                case Phase.Probe p -> probing.start(probeAwaited = ++probes, p.targets(), p.anyAnswer());
                case Phase.Forward f -> command.forward(f.number(), f.name());
                default -> {}
            }
        }
    }

    private Event.Signalled signalled(Event.SignalArrived s) {
        SignalStep.Step step = SignalStep.received(signals, s.number(), s.name());
        signals = step.state();
        LogLines.write(log, step.lines());
        return new Event.Signalled(s.number(), s.name(), step.effect());
    }

    /** The next event, or null once {@code wakeAt} (on the nanoTime clock) has come with none. */
    private Event next(long wakeAt) throws InterruptedException {
        long left = wakeAt == Long.MAX_VALUE ? Long.MAX_VALUE : Durations.between(System.nanoTime(), wakeAt);
        return left == Long.MAX_VALUE ? queue.take() : queue.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
    }

    /** Stops watching the Pod: proa exits instead, but the tests, which run many in one JVM, need it. */
    public void close() {
        if (watch != null) watch.close();
    }
}
