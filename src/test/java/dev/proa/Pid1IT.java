package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * proa's duty to reap: a COMMAND that orphans hundreds of short-lived grandchildren leaves no zombie behind, and its
 * exact exit status still comes through — as PID 1 of a new PID namespace, and as a child subreaper.
 */
class Pid1IT extends EndToEnd {
    /**
     * Orphans 300 sleepers, counts those adopted by $1 ("ppid": its own parent, proa) while one still sleeps, lets
     * them all die, then counts the zombies left to $1, and exits 42.
     */
    private static final String ORPHAN_STORM = """
            parent=$1; [ "$parent" = ppid ] && parent=$PPID
            i=0
            while [ $i -lt 300 ]; do sh -c 'sleep 0.0$((i % 9)) &'; i=$((i + 1)); done
            sh -c 'sleep 1 &'
            adopted=0
            for f in /proc/[0-9]*/stat; do
              line=$(cat "$f" 2>/dev/null) || continue
              set -- ${line##*) }
              case "$line" in *"(sleep)"*) [ "$2" = "$parent" ] && adopted=$((adopted + 1));; esac
            done
            echo $adopted > adopted
            sleep 2
            tr '\\0' ' ' < /proc/1/cmdline > pid1
            zombies=0
            for f in /proc/[0-9]*/stat; do
              set -- $(sed 's/.*) //' "$f" 2>/dev/null)
              [ "$1" = Z ] && [ "$2" = "$parent" ] && zombies=$((zombies + 1))
            done
            echo $zombies > zombies
            exit 42""";

    @BeforeEach
    void createPod() {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
    }

    @Test
    void asPid1ItReapsEveryOrphanAndKeepsTheExactExitStatus() throws Exception {
        TestSupport.requirePrivilege(canUnshare(), "needs root, for unshare --pid");
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("unshare", "--pid", "--fork", "--mount-proc"),
                List.of("sh", "-c", ORPHAN_STORM, "sh", "1"));

        assertEquals(42, proa.exitStatus(), proa.log());
        assertEquals("0", Files.readString(dir.resolve("zombies")).strip(), "zombies left; proa's log:\n" + proa.log());
        assertTrue(Files.readString(dir.resolve("pid1")).contains("proa.jar"), "proa was PID 1");
        assertTrue(Integer.parseInt(Files.readString(dir.resolve("adopted")).strip()) >= 1, "the orphans were proa's");
    }

    @Test
    void asAChildSubreaperItReapsEveryOrphanToo() throws Exception {
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("sh", "-c", ORPHAN_STORM, "sh", "ppid"));

        assertEquals(42, proa.exitStatus(), proa.log());
        assertTrue(Integer.parseInt(Files.readString(dir.resolve("adopted")).strip()) >= 1, "the orphans were proa's");
        assertEquals("0", Files.readString(dir.resolve("zombies")).strip(), "zombies left; proa's log:\n" + proa.log());
    }

    /**
     * While proa watches its Pod it holds the API's connection, and the JVM its own files: COMMAND gets none of them,
     * only the stdin, stdout and stderr proa was given (ProaRun gives no other). (ls's own: the directory it lists.)
     */
    @Test
    void aFullRunGivesCommandOnlyTheDescriptorsProaWasGiven() throws Exception {
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("ls", "-l", "/proc/self/fd"));

        assertEquals(0, proa.exitStatus(), proa.log());
        List<String> fds = proa.output().lines().filter(l -> l.contains(" -> ") && !l.contains(" -> /proc/")).toList();
        assertEquals(List.of("0", "1", "2"), fds.stream().map(l -> l.substring(0, l.indexOf(" -> ")))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).sorted().toList(), fds.toString());
        assertTrue(fds.stream().noneMatch(l -> l.contains("socket:") || l.contains("proa.jar") || l.contains("/modules")),
                fds.toString());
    }

    private static boolean canUnshare() throws Exception {
        Process probe = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true").start();
        return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }
}
