package dev.proa;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sidecar for the end-to-end tests, run as its own process: it becomes ready (GET /ready answers 200) some time after
 * it starts, and exits when asked to on /quitquitquit, writing the method it was asked with to a file.
 * It binds a free port itself and writes it to PORT_FILE (no port is found free, released and then reused).
 * Usage: FakeSidecar PORT_FILE READY_AFTER_MS RECORD_FILE
 */
public final class FakeSidecar {
    public static void main(String[] args) throws IOException {
        Path portFile = Path.of(args[0]);
        long readyAfter = Long.parseLong(args[1]) * 1_000_000;
        long[] readyAt = {Long.MAX_VALUE};
        Path record = Path.of(args[2]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/ready", exchange -> answer(exchange, System.nanoTime() >= readyAt[0] ? 200 : 503));
        server.createContext("/quitquitquit", exchange -> {
            Files.writeString(record, exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            answer(exchange, 200);
            server.stop(0);
            System.exit(0);
        });
        server.start();
        Path written = Files.writeString(portFile.resolveSibling(portFile.getFileName() + ".tmp"),
                Integer.toString(server.getAddress().getPort()));
        readyAt[0] = System.nanoTime() + readyAfter; // counted from when the test can know the port
        Files.move(written, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void answer(HttpExchange exchange, int code) throws IOException {
        byte[] body = (code == 200 ? "ok\n" : "not yet\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
