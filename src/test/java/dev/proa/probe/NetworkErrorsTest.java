package dev.proa.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A failed connection in words: its message when it has one, else what its kind means; never a class name. */
class NetworkErrorsTest {
    static List<Arguments> failures() {
        return List.of(
                Arguments.of(new EOFException(), "the connection closed without an answer"),
                Arguments.of(new SocketTimeoutException(), "no answer within 1.0s"),
                Arguments.of(new InterruptedIOException(), "no answer within 1.0s"),
                Arguments.of(new ConnectException(), "the connection was refused"),
                Arguments.of(new UnknownHostException(), "the host name is not known"),
                Arguments.of(new SSLHandshakeException(null), "the TLS handshake failed"),
                Arguments.of(new IOException(), "the connection failed"),
                Arguments.of(new IOException("  "), "the connection failed"),
                Arguments.of(new SocketTimeoutException("Read timed out"), "Read timed out"),
                Arguments.of(new EOFException("\\n not found: limit=0"), "\\n not found: limit=0"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void saysWhatHappened(IOException failure, String why) {
        assertEquals(why, NetworkErrors.why(failure, Duration.ofSeconds(1)));
    }
}
