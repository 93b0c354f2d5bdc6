package dev.proa.inject;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code proa inject}: manifests in (files, directories, stdin), the same manifests out with proa in front of each Pod
 * template's main container, and a report on stderr. All or nothing: if any template is refused, nothing is written
 * to stdout (exit 1), so that {@code proa inject ... | kubectl apply -f -} never applies half a change.
 */
@Command(name = "proa inject", sortOptions = false, usageHelpAutoWidth = true, synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        customSynopsis = "proa inject [-f FILE|DIR|-]... --image=IMAGE [--mode=image|copy] [-o yaml|json] [--rbac]"
                + " [--container=NAME] [-- PROA_OPTION...]",
        header = Tools.INJECT,
        description = {"Reads manifests (multi-document YAML or JSON; stdin without -f) and writes them to stdout in"
                + " the same order, each Pod template's main container (--container, else the first container that is"
                + " not a sidecar proa recognizes) running proa's launcher, the PROA_OPTIONs given after --, then --"
                + " and its own command; its args are kept. Pods, Jobs, CronJobs, Deployments and any kind with"
                + " spec.template, also in a List; other kinds pass through unchanged. A container already running"
                + " proa is left as it is, and so is a template labelled or annotated proa.dev/inject: disabled; the"
                + " annotation proa.dev/container names a template's main container. What was done goes to stderr.",
                "Exit status: 0 when written; 1 when a template is refused (a main container without command, whose"
                        + " image's ENTRYPOINT cannot be known offline; a name proa needs taken) or a manifest cannot"
                        + " be read: nothing is written then; 2 on a usage error."},
        optionListHeading = "%nOptions:%n")
final class InjectCommand {
    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-",
            description = "A manifest file, a directory of them (*.yaml, *.yml, *.json, not recursive), or - for"
                    + " stdin. Repeatable. Default: stdin.")
    List<String> files = new ArrayList<>();

    @Option(names = "--image", paramLabel = "IMAGE", required = true,
            description = "proa's image (built from proa's Dockerfile: /opt/proa in it), e.g. registry.example/proa:0.1.0.")
    String image;

    @Option(names = "--mode", paramLabel = "image|copy",
            description = "image: mount IMAGE as an image volume (Kubernetes 1.35+, or 1.33+ with the ImageVolume"
                    + " feature gate); copy: an init container of IMAGE copies proa into an emptyDir (any Kubernetes)."
                    + " Default: image.")
    Injection.Mode mode = Injection.Mode.IMAGE;

    @Option(names = {"-o", "--output"}, paramLabel = "yaml|json", description = "The output's format. Default: yaml.")
    Format output = Format.YAML;

    @Option(names = "--rbac", description = "Also write the Role and RoleBinding proa needs for each Pod template's"
            + " service account (get, list, watch on pods; create on events with --events), after the manifests.")
    boolean rbac;

    @Option(names = "--container", paramLabel = "NAME",
            description = "The main container. Default: the first container that is not a sidecar proa recognizes.")
    String container;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    enum Format { YAML, JSON }

    /** The command line, split at the first {@code --}: inject's own options before, proa's after. */
    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        ProaOptions.Split split = ProaOptions.Split.of(args);
        List<String> own = split.own();
        List<String> proa = split.proa();
        InjectCommand command = new InjectCommand();
        CommandLine cli = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cli.parseArgs(own.toArray(String[]::new));
            if (cli.isUsageHelpRequested()) {
                cli.usage(out);
                return 0;
            }
            ProaOptions.check(proa);
            Injection.Settings settings = new Injection.Settings(command.image.strip(), command.mode, command.container, proa);
            if (settings.image().isEmpty()) throw new CommandLine.ParameterException(cli, "--image is empty: give proa's image");
            return command.inject(settings, ProaOptions.events(proa), in, out, err);
        } catch (CommandLine.ParameterException e) {
            return ProaOptions.usageError("inject", cli, e.getMessage(), err);
        } catch (ProaOptions.Rejected e) {
            return ProaOptions.rejected("inject", e, err);
        }
    }

    private int inject(Injection.Settings settings, boolean events, InputStream in, PrintStream out, PrintStream err) {
        List<Source> sources;
        try {
            sources = sources(in);
        } catch (Unusable e) {
            err.println("proa inject: " + e.getMessage());
            return 2;
        }
        List<JsonNode> written = new ArrayList<>();
        List<Manifests.Template> templates = new ArrayList<>();
        int refused = 0;
        for (Source source : sources) {
            List<JsonNode> documents;
            try {
                documents = Yaml.documents(source.text(), source.name());
            } catch (Yaml.Malformed e) {
                err.println("proa inject: " + e.getMessage());
                refused++;
                continue;
            }
            for (int i = 0; i < documents.size(); i++) {
                Manifests.Result result = Manifests.inject(documents.get(i), settings);
                written.add(result.document());
                for (Manifests.Outcome outcome : result.outcomes()) {
                    err.println("proa inject: " + Report.line(outcome, settings, source.name() + " document " + (i + 1)));
                    switch (outcome.verdict()) {
                        case Injection.Refuse r -> refused++;
                        case Injection.OptedOut o -> { } // runs without proa: no RBAC for it
                        default -> outcome.template().ifPresent(templates::add);
                    }
                }
                if (result.outcomes().isEmpty()) {
                    err.println("proa inject: " + Report.passedThrough(documents.get(i)));
                }
            }
        }
        if (refused > 0) {
            err.println("proa inject: " + refused + (refused == 1 ? " manifest" : " manifests")
                    + " refused (above): nothing written. Fix them, or leave them out.");
            return 1;
        }
        if (rbac) {
            List<JsonNode> roles = Rbac.documents(templates, events);
            written.addAll(roles);
            if (templates.stream().anyMatch(t -> t.serviceAccount() == null)) {
                err.println("proa inject: warning: a Pod template without serviceAccountName runs as the namespace's"
                        + " default ServiceAccount, which --rbac lets read every Pod of the namespace: give it one of its own");
            }
            err.println("proa inject: added " + roles.size() + " RBAC documents (--rbac): Role " + Rbac.ROLE
                    + ", and a RoleBinding per service account");
        }
        out.print(output == Format.JSON ? Yaml.json(written) : Yaml.yaml(written));
        out.flush();
        return 0;
    }

    private record Source(String name, String text) {}

    /** A -f that names nothing readable: a usage error. */
    private static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    private List<Source> sources(InputStream in) throws Unusable {
        List<Source> sources = new ArrayList<>();
        for (String file : files.isEmpty() ? List.of("-") : files) {
            if (file.equals("-")) {
                sources.add(new Source("stdin", read(in)));
                continue;
            }
            Path path = Path.of(file);
            if (Files.isDirectory(path)) {
                for (Path each : manifestsIn(path)) sources.add(new Source(each.toString(), read(each)));
            } else if (Files.isRegularFile(path)) {
                sources.add(new Source(file, read(path)));
            } else {
                throw new Unusable("-f " + file + ": no such file or directory");
            }
        }
        return sources;
    }

    private static List<Path> manifestsIn(Path dir) throws Unusable {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches(".*\\.(yaml|yml|json)") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new Unusable("-f " + dir + ": the directory cannot be listed: " + e.getMessage());
        }
    }

    private static String read(Path path) throws Unusable {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new Unusable("-f " + path + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private static String read(InputStream in) throws Unusable {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Unusable("stdin cannot be read: " + e.getMessage());
        }
    }
}
