package dev.proa;

import dev.proa.check.Check;
import dev.proa.config.LogFormat;
import dev.proa.config.Options;
import dev.proa.config.Settings;
import dev.proa.kube.ApiErrors;
import dev.proa.kube.Cluster;
import dev.proa.kube.FirstRead;
import dev.proa.kube.LazyWatch;
import dev.proa.kube.OwnContainer;
import dev.proa.config.ExitStatus;
import dev.proa.config.ExitStatuses;
import dev.proa.lifecycle.Outcome;
import dev.proa.lifecycle.Shutdown;
import dev.proa.lifecycle.SignalStep;
import dev.proa.lifecycle.Startup;
import dev.proa.probe.HttpClients;
import dev.proa.config.Durations;
import dev.proa.process.Inherited;
import dev.proa.process.Launch;
import dev.proa.process.Libc;
import dev.proa.process.Reaper;
import dev.proa.process.Relaunch;
import dev.proa.process.Signals;
import dev.proa.report.Events;
import dev.proa.report.Logging;
import dev.proa.report.TerminationLog;
import dev.proa.sidecars.Restarts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * proa's entry point, wiring the parts: the configuration, the API, the event loop that owns the lifecycle, and the
 * report. The whole lifecycle: wait for the sidecars, run COMMAND, stop the sidecars, exit.
 */
public final class Proa {
    private final Logger log;
    private final Settings settings;
    private final Map<String, String> env;
    private final EventLoop loop;
    /** PID 1's reaper, which starts COMMAND. */
    private final Reaper reaper;
    private Events events = Events.NONE;

    private Proa(Logger log, Settings settings, Map<String, String> env) {
        this.log = log;
        this.settings = settings;
        this.env = env;
        this.reaper = new Reaper(log);
        this.loop = new EventLoop(log, settings, new HttpClients(), reaper, Launch.nanoTime());
    }

    public static void main(String[] args) {
        Inherited.snapshot(); // first, before proa opens a file of its own: what COMMAND is to be given
        String notRelaunched = Relaunch.ifNeeded(); // see Relaunch (returns only when it could not, or need not)
        if (notRelaunched != null) {
            System.err.println("proa: could not restart its JVM with its signals held (" + notRelaunched + "): a signal"
                    + " in the JVM's first instants may be lost, and SIGQUIT prints a thread dump. Run proa through its"
                    + " launcher, or as java " + String.join(" ", Relaunch.FLAGS) + " -jar proa.jar");
        }
        System.exit(run(args, System.getenv()));
    }

    /**
     * Parses the command line (picocli: a usage error prints its message and gives {@link ExitStatus#USAGE}; --help and
     * --version print and give 0); then runs the lifecycle, or the subcommand named first ({@link Subcommands}).
     * Returns the exit status.
     */
    static int run(String[] args, Map<String, String> env) {
        Options options = new Options();
        CommandLine cli = Subcommands.attach(Options.commandLine(options, env));
        cli.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) return help;
            var subcommand = Subcommands.chosen(parsed, command -> options.command = new ArrayList<>(command));
            if (subcommand.isPresent()) return subcommand.get().run(env);
            options.validate(); // a ParameterException here is a usage error too
            Logging.configure(options.logLevel, options.logFormat);
            String unknownMachine = Libc.unknownMachine();
            if (unknownMachine != null) return exit(refused(unknownMachine, options));
            Proa proa = new Proa(LoggerFactory.getLogger("proa"), options.settings(), env);
            return exit(options.disabled ? proa.commandOnly() : proa.lifecycle());
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> failedOnItsOwn(e, options));
        return cli.execute(args);
    }

    /**
     * What escaped everything else (a defect of proa's own, after the stop was attempted): one sentence, the details at
     * debug, and {@link ExitStatus#PROA_FAILED} (as --exit-status numbers it, once it was read), rather than picocli's
     * stack trace and exit 1.
     */
    private static int failedOnItsOwn(Exception e, Options options) {
        Logger log = LoggerFactory.getLogger("proa");
        int status = ExitStatuses.of(options.exitStatus).of(ExitStatus.PROA_FAILED);
        log.error("proa failed on an error of its own ({}; the details at --log-level=debug); exit {}",
                Logging.sentence(e), status);
        log.debug("proa failed", e);
        return status;
    }

    /**
     * A machine whose system calls proa cannot make: refused before anything starts, as PID 1 without them could
     * neither reap COMMAND nor pass a signal on (a run that could hang is worse than one that does not start).
     */
    private static int refused(String why, Options options) {
        int status = ExitStatuses.of(options.exitStatus).of(ExitStatus.PROA_FAILED);
        LoggerFactory.getLogger("proa").error("{}; COMMAND was not started and nothing was sent; exit {}", why, status);
        return status;
    }

    static final String CHECK_HEADER = "Print the plan of a run with these options, and whether it will work; start"
            + " and stop nothing.";

    /** {@code proa check [--probe] [OPTIONS]}: see {@link Check}. */
    static int check(List<String> args, Map<String, String> env) {
        Options options = new Options();
        CommandLine cli = Options.checkCommandLine(options, env, CHECK_HEADER);
        cli.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) return help;
            options.validate();
            Logging.configure(options.logLevel, options.logFormat);
            // A check changes nothing: a signal that would end a program ends it at once.
            endOnSignal(LoggerFactory.getLogger("proa"), Proa::exit);
            return Check.run(options.settings(), env, options.probe, options.logFormat == LogFormat.JSON, System.out,
                    Libc.unknownMachine());
        });
        return cli.execute(args.toArray(String[]::new));
    }

    /**
     * For a subcommand, which starts and stops no COMMAND: a signal that would end a program ends it, through
     * {@code exit} (with 128+N). With the launcher the signals are held, and nothing else would act on them.
     */
    static void endOnSignal(Logger log, java.util.function.IntConsumer exit) {
        Signals.install(log, (number, name) -> {
            if (SignalStep.defaultOf(name) == SignalStep.Default.END) exit.accept(ExitStatus.ofSignal(number));
        });
    }

    /**
     * The lifecycle's end: everything said is flushed, and nothing else is left to do. Only the AOT cache's training
     * run (-Dproa.jvmExit=true) needs the JVM's own exit, which is when the JVM writes the cache.
     */
    private static int exit(int status) {
        System.out.flush();
        System.err.flush();
        if (!Boolean.getBoolean("proa.jvmExit")) Libc.exitNow(status);
        return status;
    }

    private int lifecycle() {
        Signals.install(log, loop::signal);
        Outcome outcome;
        if (settings.sidecars().watchesPod()) { // first: the Pod's listing takes longest
            Outcome.Reason noPod = connect();
            reaper.begin();
            outcome = noPod == null ? waitThenRun() : loop.stoppedBy() != 0 ? new Outcome.Signalled(loop.stoppedBy())
                    : new Outcome.NotStarted(noPod, "no Pod to watch; see proa's log");
        } else {
            reaper.begin();
            outcome = waitThenRun();
        }
        int status = outcome.status(settings.statuses());
        Shutdown.Stopped stopped = stop(status);
        report(outcome, stopped);
        return status;
    }

    /** What the run leaves for an operator: the last Events, and the one-line termination message. */
    private void report(Outcome outcome, Shutdown.Stopped stopped) {
        List<String> stillRunning = stopped.stillRunning();
        String leftOver = String.join(", ", stillRunning);
        if (!stillRunning.isEmpty()) events.warning("ShutdownIncomplete", "Still running after the shutdown: " + leftOver);
        stopped.failed().forEach(why -> events.warning("SidecarFailed", why));
        TerminationLog.write(log, settings.report().terminationLog(), settings.report().terminationLogGiven(),
                "proa: " + outcome.summary(settings.statuses()) + (stillRunning.isEmpty() ? "" : "; still running after the shutdown: " + leftOver)
                        + stopped.failed().stream().map(why -> "; " + why).collect(java.util.stream.Collectors.joining()));
        try {
            events.finish(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code --disabled}: COMMAND alone, with proa still PID 1 (signals, reaping, the exit status) and nothing else. */
    private int commandOnly() {
        log.info("proa is disabled (--disabled or PROA_DISABLED): running COMMAND directly, without waiting or shutdown");
        Signals.install(log, loop::signal);
        reaper.begin();
        try {
            return loop.run().status(settings.statuses());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return settings.statuses().of(ExitStatus.PROA_FAILED);
        }
    }

    /** Starts watching the Pod; when there is no Pod to watch, why (having said it). */
    private Outcome.Reason connect() {
        try {
            Cluster cluster = Cluster.locate(settings.pod(), env);
            String detected = settings.sidecars().container() == null ? OwnContainer.detect().orElse(null) : null;
            log.info("Watching Pod {} in namespace {} through {}", cluster.podName, cluster.namespace,
                    cluster.config.getMasterUrl());
            String origin = "the name from " + cluster.podName.source() + ", the namespace from " + cluster.namespace.source();
            String namespace = cluster.namespace.value();
            var firstRead = FirstRead.start(cluster, namespace, cluster.podName.value(), log); // no KubernetesClient yet
            loop.watch(LazyWatch.after(firstRead, log, () -> cluster.client(log), namespace, cluster.podName.value(),
                    loop::seen, new ApiErrors(log, namespace)::report), namespace + "/" + cluster.podName.value(),
                    origin, detected);
            if (settings.report().events()) events = new Events(log, () -> cluster.client(log), loop::latest);
            return null;
        } catch (Cluster.Unreachable e) {
            log.error("{}. Not running COMMAND; exit {}", e.getMessage(), settings.statuses().of(ExitStatus.PROA_FAILED));
            return Outcome.Reason.NO_CLUSTER;
        } catch (RuntimeException e) {
            log.error("Could not set up the Kubernetes client: {}. Not running COMMAND; exit {}",
                    ApiErrors.describe(e), settings.statuses().of(ExitStatus.PROA_FAILED));
            log.debug("Setting up the Kubernetes client failed; in full:", e);
            return Outcome.Reason.SETUP_INVALID;
        }
    }

    /** Waits for the sidecars, then runs COMMAND; each outcome is said by its Event as soon as it is known. */
    private Outcome waitThenRun() {
        Outcome outcome;
        try {
            outcome = switch (loop.awaitStartup()) {
                case Startup.Abort abort -> abort.outcome();
                case Startup.Proceed proceed -> {
                    events.normal("SidecarsReady", "Sidecars ready after " + Durations.human(proceed.waited())
                            + "; running COMMAND");
                    yield null;
                }
            };
            // Throws only before COMMAND starts: once it runs, whatever fails in proa is said and the loop goes on
            // until COMMAND exits (see EventLoop.run), as its status is what proa exits with.
            if (outcome == null) outcome = loop.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new Outcome.Failed("interrupted");
        } catch (RuntimeException e) {
            // A defect of proa's own must not leave the sidecars running: say it, and let the shutdown run.
            log.error("proa failed before COMMAND could run, on an error of its own ({}; the details at"
                    + " --log-level=debug). Stopping the sidecars, then exiting {}", Logging.sentence(e),
                    settings.statuses().of(ExitStatus.PROA_FAILED));
            log.debug("proa failed before COMMAND could run", e);
            outcome = new Outcome.Failed("an error of proa's own (" + Logging.sentence(e) + ")");
        }
        outcome.event(settings.statuses()).ifPresent(e -> {
            if (e.warning()) events.warning(e.reason(), e.message());
            else events.normal(e.reason(), e.message());
        });
        return outcome;
    }

    /**
     * The shutdown, unless the kubelet will restart proa's container (or --no-shutdown-on-failure says to keep the
     * sidecars after a failure): then the retry needs them running (see {@link Restarts}). It must never cost
     * COMMAND's exit status: whatever fails in it is logged, not thrown. Returns what was still running at its end.
     */
    private Shutdown.Stopped stop(int status) {
        Restarts.Verdict restart = Restarts.judge(Restarts.Asked.of(settings.stop().keepSidecarsOnFailure(),
                settings.stop().alwaysShutdown()), loop.latest(), loop.choice(), status);
        switch (restart) {
            case Restarts.Leave leave -> {
                Object[] fields = leave.container() == null ? new Object[] {"status", status}
                        : new Object[] {"status", status, "container", leave.container()};
                Logging.with(log.atInfo(), fields).log(Restarts.sentence(leave, status));
                return Shutdown.Stopped.NOTHING;
            }
            case Restarts.Stop why -> log.debug("Stopping the sidecars after exit status {}: {}", status, why.because());
        }
        try {
            return loop.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) { // an Error too (a linkage error, a stack overflow): the Job must not hang
            // proa's own defect: whatever it was, the sidecars are still asked to stop, or the Job would hang.
            log.error("The shutdown failed on an error of proa's own ({}; the details at --log-level=debug): asking"
                    + " the sidecars to stop once more, without waiting for them", Logging.sentence(e));
            log.debug("The shutdown failed", e);
            try {
                loop.askOnce();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error again) {
                log.error("Could not ask the sidecars to stop ({})", Logging.sentence(again));
                log.debug("Could not ask the sidecars to stop", again);
            }
        }
        return Shutdown.Stopped.NOTHING;
    }
}
