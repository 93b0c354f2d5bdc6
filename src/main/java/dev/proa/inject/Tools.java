package dev.proa.inject;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * proa's tools for putting proa into Pods, as the run's subcommands run them (each parses its own arguments):
 * {@code proa inject}, {@code proa webhook}, and {@code proa copy} (which the copier init container runs). Their
 * headers are what {@code proa --help} lists, and each one's own --help begins with.
 */
public final class Tools {
    private Tools() {}

    public static final String INJECT = "Put proa in front of the main container of every Pod template in the manifests.";
    public static final String WEBHOOK =
            "Serve a mutating admission webhook that puts proa in front of each Pod's main container.";
    /** The copier init container runs {@code proa copy DIR}: the name is in every injected manifest. */
    public static final String COPY_COMMAND = "copy";
    public static final String COPY = "Copy proa's distribution into DIR (what 'proa inject --mode=copy' runs).";

    public static int inject(List<String> args) {
        return InjectCommand.run(args, System.in, System.out, System.err);
    }

    /** {@code signals}: given proa's logger once it is configured, makes a signal end the webhook. */
    public static int webhook(List<String> args, Consumer<Logger> signals) {
        return WebhookCommand.run(args, System.out, System.err, signals);
    }

    public static int copy(List<String> args) {
        return CopyDist.run(args, System.out, System.err);
    }
}
