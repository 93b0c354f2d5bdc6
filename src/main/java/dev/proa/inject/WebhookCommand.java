package dev.proa.inject;

import java.io.PrintStream;
import java.util.List;

final class WebhookCommand {
    static int run(List<String> args, PrintStream out, PrintStream err) {
        err.println("proa webhook: not yet");
        return 2;
    }
}
