package dev.proa.inject;

import java.util.List;
import java.util.OptionalInt;

/**
 * proa's tools for putting proa into Pods: {@code proa inject}, {@code proa webhook}, and {@code proa copy} (which
 * the copier init container runs). A first argument naming one makes the run that tool; {@code proa -- inject} still
 * runs a program named inject.
 */
public final class Tools {
    private Tools() {}

    /** The tool's exit status, or empty when {@code args} do not start with a tool's name. */
    public static OptionalInt run(String[] args) {
        if (args.length == 0) return OptionalInt.empty();
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "inject" -> OptionalInt.of(InjectCommand.run(rest, System.in, System.out, System.err));
            case "webhook" -> OptionalInt.of(WebhookCommand.run(rest, System.out, System.err));
            case CopyDist.COMMAND -> OptionalInt.of(CopyDist.run(rest, System.err));
            default -> OptionalInt.empty();
        };
    }
}
