package dev.proa;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** proa's entry point and its whole lifecycle: wait for the sidecars, run COMMAND, stop the sidecars, exit. */
public final class Proa {
    private final Logger log;
    private final Options options;
    private final Map<String, String> env;
    private final AtomicReference<PodWatch> watch = new AtomicReference<>();
    private final Signals signals;
    private final Reaper reaper;
    private final Endpoints targets;
    private Events events = Events.NONE;
    private String origin = "";

    /** How the run ended: the exit status, and one line saying why, for the termination message. */
    private record Outcome(int status, String summary) {}

    private Proa(Logger log, Options options, Map<String, String> env) {
        this.log = log;
        this.options = options;
        this.env = env;
        this.signals = new Signals(log, () -> {
            PodWatch pod = watch.get();
            if (pod != null) pod.wake();
        });
        this.reaper = new Reaper(log);
        this.targets = new Endpoints(log, options.waitHttp, options.waitTcp);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /** Parses the command line; on success runs the lifecycle. Returns the exit status. */
    static int run(String[] args, Map<String, String> env) {
        Options options = new Options();
        CommandLine cli = Options.commandLine(options, env);
        try {
            cli.parseArgs(args);
            if (CommandLine.printHelpIfRequested(cli.getParseResult())) return 0;
            options.validate();
        } catch (ParameterException e) {
            try {
                return cli.getParameterExceptionHandler().handleParseException(e, args);
            } catch (Exception unexpected) {
                throw new IllegalStateException(unexpected); // the handler only prints
            }
        }
        Logging.configure(options.logLevel, options.logFormat);
        Proa proa = new Proa(LoggerFactory.getLogger("proa"), options, env);
        return exit(options.disabled ? proa.commandOnly() : proa.lifecycle());
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
        signals.install();
        boolean connected = !options.watchesPod() || connect(); // first: the Pod's first listing is the longest wait
        reaper.begin();
        Shutdown shutdown = new Shutdown(log, options, signals);
        Outcome outcome = connected ? waitThenRun()
                : signals.stoppedBy() != 0 ? new Outcome(ExitStatus.ofSignal(signals.stoppedBy()), "stopped by a signal")
                : NO_POD;
        List<String> stillRunning = stop(shutdown, outcome.status());
        report(outcome, stillRunning);
        return outcome.status();
    }

    private static final Outcome NO_POD =
            new Outcome(ExitStatus.STARTUP_FAILED, "startup failed: no Pod to watch; see proa's log");

    /** What the run leaves for an operator: the last Event, and the one-line termination message. */
    private void report(Outcome outcome, List<String> stillRunning) {
        String leftOver = String.join(", ", stillRunning);
        if (!stillRunning.isEmpty()) events.warning("ShutdownIncomplete", "Still running after the shutdown: " + leftOver);
        TerminationLog.write(log, options.terminationLog, !options.terminationLog.equals(Options.DEFAULT_TERMINATION_LOG),
                "proa: " + outcome.summary() + (stillRunning.isEmpty() ? "" : "; still running after the shutdown: " + leftOver));
        try {
            events.finish(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code --disabled}: COMMAND alone, with proa still PID 1 (signals, reaping, the exit status) and nothing else. */
    private int commandOnly() {
        log.info("proa is disabled (--disabled or PROA_DISABLED): running COMMAND directly, without waiting or shutdown");
        signals.install();
        reaper.begin();
        try {
            return new Command(log, options.command, reaper, signals).run().status();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitStatus.STARTUP_FAILED;
        }
    }

    /** Starts watching the Pod; false (having said why) when there is no Pod to watch. */
    private boolean connect() {
        try {
            Cluster cluster = Cluster.locate(options, env);
            if (options.container == null) options.detectedContainer = OwnContainer.detect().orElse(null);
            log.info("Watching Pod {} in namespace {} through {}", cluster.podName, cluster.namespace,
                    cluster.config.getMasterUrl());
            origin = "the name from " + cluster.podName.source() + ", the namespace from " + cluster.namespace.source();
            var client = cluster.client();
            ApiErrors errors = new ApiErrors(log, cluster.namespace.value());
            PodWatch pod = new PodWatch(client, cluster.namespace.value(), cluster.podName.value(), errors::report);
            watch.set(pod);
            if (options.events) events = new Events(log, client, pod);
            return true;
        } catch (Cluster.Unreachable e) {
            log.error("{}. Not running COMMAND; exit {}", e.getMessage(), ExitStatus.STARTUP_FAILED);
        } catch (RuntimeException e) {
            log.error("Could not set up the Kubernetes client: {}. Not running COMMAND; exit {}",
                    ApiErrors.describe(e), ExitStatus.STARTUP_FAILED);
        }
        return false;
    }

    private Outcome waitThenRun() {
        try {
            StartupWait.Outcome started = new StartupWait(log, watch.get(), targets, options, signals,
                    StartupWait.PROGRESS_INTERVAL, origin).await();
            if (started instanceof StartupWait.Abort abort) {
                events.warning("StartupFailed", abort.why());
                return new Outcome(abort.status(), "startup failed (exit " + abort.status() + "): " + abort.why());
            }
            Duration waited = ((StartupWait.Proceed) started).waited();
            events.normal("SidecarsReady", "Sidecars ready after " + Durations.human(waited) + "; running COMMAND");
            Command.Result result;
            PodWatch pod = watch.get();
            try (SidecarHealth health = pod == null ? null : new SidecarHealth(log, pod, options)) {
                result = new Command(log, options.command, reaper, signals).run();
            }
            if (result.ran()) events.normal("CommandExited", result.summary());
            else events.warning("StartupFailed", result.summary());
            return new Outcome(result.status(), result.summary());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(ExitStatus.STARTUP_FAILED, "interrupted");
        } catch (RuntimeException e) {
            // A defect of proa's own must not leave the sidecars running: say it, and let the shutdown run.
            log.error("proa failed before COMMAND could run: {}. Stopping the sidecars, then exiting {}", e, ExitStatus.STARTUP_FAILED, e);
            return new Outcome(ExitStatus.STARTUP_FAILED, "startup failed: " + e);
        }
    }

    /**
     * The shutdown, unless --no-shutdown-on-failure keeps the sidecars for a retry. It must never cost COMMAND's exit
     * status: whatever fails in it is logged, not thrown. Returns what was still running at its end.
     */
    private List<String> stop(Shutdown shutdown, int status) {
        if (options.noShutdownOnFailure && status != 0) {
            log.info("Exit status {}: leaving the sidecars running (--no-shutdown-on-failure)", status);
            return List.of();
        }
        try {
            return shutdown.run(watch.get(), targets);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("The shutdown failed: {}", e.toString(), e);
        }
        return List.of();
    }
}
