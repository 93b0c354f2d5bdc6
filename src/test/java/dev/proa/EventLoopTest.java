package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.proa.config.Options;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the event loop tells of the signals that arrived before the run began. */
class EventLoopTest {
    private static EventLoop loop() {
        Options options = new Options();
        Options.commandLine(options, Map.of()).parseArgs("true");
        return PodWaitTest.lifecycle(new RecordingLogger(), options);
    }

    @Test
    void aSignalThatWouldNotEndAProgramDoesNotStopTheRun() {
        EventLoop loop = loop();
        loop.signal(28, "WINCH");
        loop.signal(18, "CONT");
        assertEquals(0, loop.stoppedBy(), "a resized terminal is no reason to give up");
        loop.signal(15, "TERM");
        assertEquals(15, loop.stoppedBy());
    }
}
