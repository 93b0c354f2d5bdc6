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
 * Usage: FakeSidecar PORT READY_AFTER_MS RECORD_FILE
 */
public final class FakeSidecar {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        long readyAt = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000;
        Path record = Path.of(args[2]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/ready", exchange -> answer(exchange, System.nanoTime() >= readyAt ? 200 : 503));
        server.createContext("/quitquitquit", exchange -> {
            Files.writeString(record, exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            answer(exchange, 200);
            server.stop(0);
            System.exit(0);
        });
        server.start();
    }

    private static void answer(HttpExchange exchange, int code) throws IOException {
        byte[] body = (code == 200 ? "ok\n" : "not yet\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
