package dev.proa.inject;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code proa copy DIR}: copies proa's own distribution (the directory its launcher runs from) into DIR. The copier
 * init container of {@code proa inject --mode=copy} runs it: proa's image is FROM scratch, with no shell and no cp.
 * Permissions are kept (the launcher must stay executable); symbolic links are copied as links.
 */
@Command(name = "proa copy", usageHelpAutoWidth = true, synopsisHeading = "%nUsage: ", customSynopsis = "proa copy DIR",
        header = Tools.COPY, descriptionHeading = "%n",
        description = "Copies proa's distribution (the directory of its bin/proa) into DIR. Exit status: 0 when copied,"
                + " 1 when it could not be (why on stderr), 2 on a usage error.",
        optionListHeading = "%nOptions:%n")
final class CopyDist {
    @Parameters(paramLabel = "DIR", description = "Where to copy it, e.g. the emptyDir /proa-copy.")
    Path target;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    private CopyDist() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        CopyDist command = new CopyDist();
        CommandLine cli = new CommandLine(command);
        try {
            cli.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            err.println("proa copy: " + e.getMessage() + ": give one directory to copy proa's distribution into, e.g."
                    + " proa copy /proa-copy");
            return 2;
        }
        if (cli.isUsageHelpRequested()) {
            cli.usage(out);
            return 0;
        }
        return command.copy(err);
    }

    private int copy(PrintStream err) {
        Path home = home();
        if (home == null || !Files.isExecutable(home.resolve("bin/proa"))) {
            err.println("proa copy: this proa does not run from its distribution (no bin/proa beside lib/proa.jar):"
                    + " run /opt/proa/bin/proa copy DIR in proa's image");
            return 1;
        }
        try {
            copy(home, target);
            err.println("proa copy: copied " + home + " to " + target);
            return 0;
        } catch (IOException e) {
            err.println("proa copy: could not copy " + home + " to " + target + ": " + e.getMessage());
            return 1;
        }
    }

    /** The distribution's directory: lib/proa.jar's parent's parent. */
    private static Path home() {
        try {
            Path jar = Path.of(CopyDist.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent() == null ? null : jar.getParent().getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** Copies the tree under {@code from} into {@code to} (created if missing), replacing what is there. */
    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path source : tree.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (source.equals(from)) continue; // the target is the emptyDir's mount point, not ours to chmod
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createDirectory(target);
                    } catch (FileAlreadyExistsException e) {
                        // an earlier copy, or the target itself
                    }
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source));
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING,
                            LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }
}
