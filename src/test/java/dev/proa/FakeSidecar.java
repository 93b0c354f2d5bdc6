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
 * MODE makes it behave as a known sidecar does: {@code istio} (POST /quitquitquit only, 405 for another method),
 * {@code linkerd-disabled} (404 "shutdown endpoint is not enabled" on /shutdown, and keeps running), {@code exit143}
 * (answers /quitquitquit, then exits 143 as a proxy stopped by SIGTERM does), {@code stubborn} (answers
 * /quitquitquit and keeps running; on SIGTERM writes RECORD_FILE.sigterm and exits). Every request is recorded.
 * Usage: FakeSidecar PORT_FILE READY_AFTER_MS RECORD_FILE [MODE]
 */
public final class FakeSidecar {
    public static void main(String[] args) throws IOException {
        Path portFile = Path.of(args[0]);
        long readyAfter = Long.parseLong(args[1]) * 1_000_000;
        long[] readyAt = {Long.MAX_VALUE};
        Path record = Path.of(args[2]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/ready", exchange -> answer(exchange, System.nanoTime() >= readyAt[0] ? 200 : 503));
        String mode = args.length > 3 ? args[3] : "plain";
        if (mode.equals("stubborn")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.writeString(record.resolveSibling(record.getFileName() + ".sigterm"), "SIGTERM\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                    + (query == null ? "" : "?" + query);
            Files.writeString(record, Files.exists(record) ? Files.readString(record) + "\n" + request : request);
            boolean quit = exchange.getRequestURI().getPath().equals("/quitquitquit");
            switch (mode) {
                case "istio" -> {
                    if (!quit) answer(exchange, 404, "404 page not found\n");
                    else if (!exchange.getRequestMethod().equals("POST")) answer(exchange, 405, "Method Not Allowed\n");
                    else stop(server, exchange, 0);
                }
                case "linkerd-disabled" -> answer(exchange, 404, "shutdown endpoint is not enabled\n");
                case "stubborn" -> answer(exchange, quit ? 200 : 404, quit ? "ok, but not now\n" : "404 page not found\n");
                case "exit143" -> {
                    if (quit) stop(server, exchange, 143);
                    else answer(exchange, 404, "404 page not found\n");
                }
                default -> {
                    if (quit) stop(server, exchange, 0);
                    else answer(exchange, 404, "404 page not found\n");
                }
            }
        });
        server.start();
        Path written = Files.writeString(portFile.resolveSibling(portFile.getFileName() + ".tmp"),
                Integer.toString(server.getAddress().getPort()));
        readyAt[0] = System.nanoTime() + readyAfter; // counted from when the test can know the port
        Files.move(written, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void stop(HttpServer server, HttpExchange exchange, int status) throws IOException {
        answer(exchange, 200);
        server.stop(0);
        System.exit(status);
    }

    private static void answer(HttpExchange exchange, int code) throws IOException {
        answer(exchange, code, code == 200 ? "ok\n" : "not yet\n");
    }

    private static void answer(HttpExchange exchange, int code, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
