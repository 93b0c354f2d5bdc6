package dev.proa.probe;

import dev.proa.config.Durations;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * What a failed connection means, in words for a log line: the JDK's and OkHttp's exceptions often carry no message,
 * and their class names mean nothing to an operator. Shared by the probes and the shutdown requests.
 */
public final class NetworkErrors {
    private NetworkErrors() {}

    /** Each kind of failure and its sentence (given the timeout), the most specific first: the first match wins. */
    private record Kind(Class<? extends IOException> type, Function<Duration, String> sentence) {}

    private static final List<Kind> KINDS = List.of(
            new Kind(ConnectException.class, t -> "the connection was refused"),
            new Kind(NoRouteToHostException.class, t -> "no route to the host"),
            new Kind(UnknownHostException.class, t -> "the host name is not known"),
            new Kind(InterruptedIOException.class, t -> "no answer within " + Durations.human(t)),
            new Kind(EOFException.class, t -> "the connection closed without an answer"),
            new Kind(SSLException.class, t -> "the TLS handshake failed"),
            new Kind(ProtocolException.class, t -> "the answer was not HTTP as expected"),
            new Kind(SocketException.class, t -> "the connection failed"));

    /** Why {@code e} happened: its own message when it has one, else its kind's sentence. */
    public static String why(IOException e, Duration timeout) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        if (!message.isEmpty()) return message;
        return KINDS.stream().filter(k -> k.type().isInstance(e)).findFirst()
                .map(k -> k.sentence().apply(timeout)).orElse("the connection failed");
    }
}
