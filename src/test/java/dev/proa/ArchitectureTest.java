package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows between the packages. The decisions ({@code lifecycle}, {@code sidecars}) are pure: no IO, no API client,
 * no threads, no clock, no logging; {@code config} is at the bottom; nothing depends on the wiring in {@code dev.proa}.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/proa");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)", Pattern.MULTILINE);

    /** What each package may import of proa's own packages. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "config", Set.of(),
            "sidecars", Set.of("config"),
            "lifecycle", Set.of("config", "sidecars"),
            "kube", Set.of("config", "sidecars"),
            "probe", Set.of("config"),
            "process", Set.of("config", "report"),
            "stopping", Set.of("config", "lifecycle", "probe"),
            "report", Set.of("config", "sidecars", "kube"),
            "check", Set.of("config", "sidecars", "kube", "probe"),
            "inject", Set.of("config", "sidecars", "report"));

    /** Pure files in packages that also do IO: the decision of proa inject and proa webhook. */
    private static final Set<String> PURE_FILES = Set.of("inject/Injection.java", "inject/Admission.java",
            "inject/Rbac.java", "inject/Report.java");

    private static final List<String> IMPURE_IMPORTS = List.of("java.io.", "java.net.", "java.nio.",
            "java.util.concurrent.", "io.fabric8.kubernetes.client.", "okhttp3.", "org.slf4j.", "picocli.", "sun.misc.");

    private static final Pattern IMPURE_CODE = Pattern.compile(
            "\\bThread\\.|\\bsynchronized\\b|System\\.nanoTime|System\\.currentTimeMillis|Instant\\.now|System\\.(out|err)");

    @Test
    void eachPackageImportsOnlyThePackagesBelowIt() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = MAIN.relativize(file).getParent() == null ? "" : MAIN.relativize(file).getParent().toString();
            if (pkg.isEmpty()) continue; // the wiring may use everything
            Matcher m = IMPORT.matcher(Files.readString(file));
            while (m.find()) {
                String imported = m.group(1);
                if (!imported.startsWith("dev.proa.")) continue;
                String[] parts = imported.split("\\.");
                String target = Character.isUpperCase(parts[2].charAt(0)) ? "" : parts[2];
                if (!target.equals(pkg) && !ALLOWED.getOrDefault(pkg, Set.of()).contains(target)) {
                    wrong.add(file.getFileName() + " (" + pkg + ") imports " + imported);
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theDecisionsArePure() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = MAIN.relativize(file).getParent() == null ? "" : MAIN.relativize(file).getParent().toString();
            String name = MAIN.relativize(file).toString();
            if (!pkg.equals("lifecycle") && !pkg.equals("sidecars") && !PURE_FILES.contains(name)) continue;
            String text = Files.readString(file);
            Matcher m = IMPORT.matcher(text);
            while (m.find()) {
                String imported = m.group(1);
                if (IMPURE_IMPORTS.stream().anyMatch(imported::startsWith)) wrong.add(file.getFileName() + " imports " + imported);
            }
            String code = text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
            Matcher impure = IMPURE_CODE.matcher(code);
            while (impure.find()) wrong.add(file.getFileName() + " uses " + impure.group());
        }
        assertEquals(List.of(), wrong);
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }
}
