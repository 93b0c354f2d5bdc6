package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, checked statically (no Docker engine runs here, and base images cannot be pulled): its stages hang
 * together, it runs the tested dist build, and what it copies and runs is what that build produces.
 */
class DockerfileTest {
    private static final Pattern FROM = Pattern.compile("(?i)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?$");
    private static final Pattern COPY_FROM = Pattern.compile("(?i)^COPY\\s+--from=(\\S+)\\s+(\\S+)\\s+(\\S+)$");

    /** One stage: its base image, its working directory, and its instructions. */
    private record Stage(String name, String image, List<String> lines) {
        String workdir() {
            return lines.stream().filter(l -> l.toUpperCase().startsWith("WORKDIR ")).map(l -> l.substring(8).trim())
                    .reduce((a, b) -> b).orElse("/");
        }
    }

    private static List<Stage> stages(Path dockerfile) throws IOException {
        List<Stage> stages = new ArrayList<>();
        for (String raw : Files.readAllLines(dockerfile)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher from = FROM.matcher(line);
            if (from.matches()) {
                stages.add(new Stage(from.group(2) == null ? Integer.toString(stages.size()) : from.group(2),
                        from.group(1), new ArrayList<>()));
            } else if (!stages.isEmpty()) {
                stages.getLast().lines().add(line);
            }
        }
        return stages;
    }

    @Test
    void theFinalImageCopiesTheDistLayoutFromTheStageThatBuildsItAndRunsTheLauncherAsNonRoot() throws IOException {
        List<Stage> stages = stages(Path.of("Dockerfile"));
        Map<String, Stage> byName = new LinkedHashMap<>();
        stages.forEach(s -> byName.put(s.name(), s));
        Stage last = stages.getLast();

        List<String> copies = last.lines().stream().filter(l -> COPY_FROM.matcher(l).matches()).toList();
        assertEquals(1, copies.size(), "the final stage copies the distribution in: " + last.lines());
        Matcher copy = COPY_FROM.matcher(copies.getFirst());
        assertTrue(copy.matches());
        Stage builder = byName.get(copy.group(1));
        assertNotNull(builder, "COPY --from=" + copy.group(1) + " names no stage; stages: " + byName.keySet());
        // What the dist build writes: ${project.build.directory}/dist/proa (pom.xml), under the builder's WORKDIR.
        assertTrue(Files.readString(Path.of("pom.xml")).contains("<argument>${project.build.directory}/dist/proa</argument>"));
        assertEquals(builder.workdir() + "/target/dist/proa", copy.group(2), "the path the dist build produces");
        assertTrue(builder.lines().stream().anyMatch(l -> l.matches("RUN mvn .*-Pdist.* package")),
                "the builder runs the tested build, mvn -Pdist package: " + builder.lines());
        assertTrue(builder.lines().stream().anyMatch(l -> l.equals("COPY src ./src")), "it builds these sources");

        String installed = copy.group(3);
        assertEquals("/opt/proa", installed, "where the README tells users to copy it from");
        String entrypoint = last.lines().stream().filter(l -> l.startsWith("ENTRYPOINT ")).reduce((a, b) -> b).orElseThrow();
        assertEquals("ENTRYPOINT [\"" + installed + "/bin/proa\"]", entrypoint);
        // bin/proa in the layout is src/dist/proa.c, compiled there by src/build/dist.
        assertTrue(Files.exists(Path.of("src/dist/proa.c")));
        assertTrue(Files.readString(Path.of("src/build/dist")).contains("-o \"$out/bin/proa\" src/dist/proa.c"));
        assertEquals("scratch", last.image(), "/opt/proa needs no operating system under it");

        String user = last.lines().stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow().substring(5);
        String uid = user.split(":")[0];
        assertFalse(uid.equals("root") || uid.equals("0"), "the image runs as a non-root user, not " + user);
    }

    @Test
    void everyBaseImageIsPinnedByTagAndEveryCopyFromNamesAStage() throws IOException {
        for (Path dockerfile : List.of(Path.of("Dockerfile"), Path.of("examples/Dockerfile.app"),
                Path.of("examples/Dockerfile.alpine"), Path.of("examples/Dockerfile.distroless"))) {
            List<Stage> stages = stages(dockerfile);
            List<String> names = stages.stream().map(Stage::name).toList();
            for (Stage stage : stages) {
                String image = stage.image();
                if (!image.startsWith("${") && !image.equals("scratch")) { // scratch is no image, and has no tag
                    assertTrue(image.contains(":") && !image.endsWith(":latest"), dockerfile + ": pin " + image + " by tag");
                }
                for (String line : stage.lines()) {
                    Matcher copy = COPY_FROM.matcher(line);
                    if (copy.matches()) {
                        assertTrue(names.subList(0, names.indexOf(stage.name())).contains(copy.group(1)),
                                dockerfile + ": " + line + " names no earlier stage of " + names);
                    }
                }
            }
        }
    }

    @Test
    void theBuilderInstallsWhatTheDistBuildNeedsPinnedAndUsesJdk25() throws IOException {
        Stage builder = stages(Path.of("Dockerfile")).stream().filter(s -> s.name().equals("build")).findFirst().orElseThrow();
        String install = String.join(" ", builder.lines()); // a RUN continues over lines ending in a backslash
        for (String tool : List.of("maven", "musl-tools", "patchelf", "binutils")) {
            assertTrue(Pattern.compile("\\b" + tool + "=\\S+").matcher(install).find(), tool + " is installed, pinned: " + install);
        }
        assertTrue(builder.lines().contains("ENV JAVA_HOME=/opt/java/openjdk"), "Maven runs on the JDK 25 copied in");
    }

    @Test
    void theApplicationExamplesCopyWhatTheImageHolds() throws IOException {
        for (String example : List.of("Dockerfile.app", "Dockerfile.alpine", "Dockerfile.distroless")) {
            String app = Files.readString(Path.of("examples", example));
            assertTrue(app.contains("COPY --from=proa /opt/proa /opt/proa"), example + " copies /opt/proa from proa's image");
        }
    }
}
