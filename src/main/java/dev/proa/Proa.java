package dev.proa;

import io.fabric8.kubernetes.client.KubernetesClient;
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
    private String origin = "";
    private final Signals signals;
    private final Reaper reaper;

    private Proa(Logger log, Options options, Map<String, String> env) {
        this.log = log;
        this.options = options;
        this.env = env;
        this.signals = new Signals(log, () -> {
            PodWatch pod = watch.get();
            if (pod != null) pod.wake();
        });
        this.reaper = new Reaper(log);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
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
        Logging.configure(options.logLevel);
        return exit(new Proa(LoggerFactory.getLogger("proa"), options, env).lifecycle());
    }

    private int lifecycle() {
        signals.install();
        KubernetesClient client = connect(); // first: the Pod's first listing is the longest wait, so start it soonest
        reaper.begin();
        Shutdown shutdown = new Shutdown(log, options, signals);
        int status = client == null ? ExitStatus.STARTUP_FAILED : waitThenRun();
        stop(shutdown);
        return status; // the watch and the client end with the process: closing them would only delay the exit
    }

    /** The client for the Pod's API server, or null (having said why) when there is none to reach. */
    private KubernetesClient connect() {
        try {
            Cluster cluster = Cluster.locate(options, env);
            log.info("Watching Pod {} in namespace {} through {}", cluster.podName, cluster.namespace,
                    cluster.config.getMasterUrl());
            origin = "the name from " + cluster.podName.source() + ", the namespace from " + cluster.namespace.source();
            KubernetesClient client = cluster.client();
            ApiErrors errors = new ApiErrors(log, cluster.namespace.value());
            watch.set(new PodWatch(client, cluster.namespace.value(), cluster.podName.value(), errors::report));
            return client;
        } catch (Cluster.Unreachable e) {
            log.error("{}. Not running COMMAND; exit {}", e.getMessage(), ExitStatus.STARTUP_FAILED);
        } catch (RuntimeException e) {
            log.error("Could not set up the Kubernetes client: {}. Not running COMMAND; exit {}",
                    ApiErrors.describe(e), ExitStatus.STARTUP_FAILED);
        }
        return null;
    }

    private int waitThenRun() {
        try {
            StartupWait.Outcome outcome = new StartupWait(log, watch.get(), options, signals,
                    StartupWait.PROGRESS_INTERVAL, origin).await();
            if (outcome instanceof StartupWait.Abort abort) return abort.status();
            try (SidecarHealth health = new SidecarHealth(log, watch.get(), options)) {
                return new Command(log, options.command, reaper, signals).run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitStatus.STARTUP_FAILED;
        }
    }

    /** The shutdown must never cost COMMAND's exit status: whatever fails in it is logged, not thrown. */
    private void stop(Shutdown shutdown) {
        try {
            shutdown.run(watch.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("The shutdown failed: {}", e.toString(), e);
        }
    }
}
