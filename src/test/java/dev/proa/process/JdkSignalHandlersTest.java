package dev.proa.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

/**
 * The fallback for a JVM whose signals are not held (proa run as a class of someone else's JVM, or its relaunch
 * failed): the JDK's handlers, reached without naming them, still pass each signal on. In a JVM of its own, since
 * handling a signal here would take this test JVM's.
 */
class JdkSignalHandlersTest {
    @Test
    void theJdksHandlersPassSignalsOnWhenTheyAreNotHeld() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
            assertEquals("installed", out.readLine());
            Libc.kill(child.pid(), 10);
            assertEquals("10 USR1", out.readLine());
            Libc.kill(child.pid(), 1);
            assertEquals("1 HUP", out.readLine());
            Libc.kill(child.pid(), 15); // handled, not the JVM's exit: the child exits on its own after saying it
            assertEquals("15 TERM", out.readLine());
        } finally {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not exit");
        }
        assertEquals(0, child.exitValue());
    }

    /** Installs the fallback, says each signal it hears on stdout, and exits after SIGTERM. */
    static final class Child {
        public static void main(String[] args) throws InterruptedException {
            Object done = new Object();
            Signals.installHandlers(NOPLogger.NOP_LOGGER, (number, name) -> {
                System.out.println(number + " " + name);
                System.out.flush();
                if (number == 15) {
                    synchronized (done) {
                        done.notifyAll();
                    }
                }
            });
            synchronized (done) {
                System.out.println("installed");
                System.out.flush();
                done.wait(120_000);
            }
        }
    }
}
