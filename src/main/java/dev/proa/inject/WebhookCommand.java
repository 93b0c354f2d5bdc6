package dev.proa.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.proa.config.LogFormat;
import dev.proa.config.LogLevel;
import dev.proa.report.Logging;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code proa webhook}: a mutating admission webhook over HTTPS (the JDK's own server, jdk.httpserver), answering
 * AdmissionReview v1 on /mutate with {@link Admission}'s decision, and /healthz. It runs until a signal ends it
 * (SIGTERM from the kubelet: the JVM's exit, whose hook lets the answers under way finish).
 */
@Command(name = "proa webhook", sortOptions = false, usageHelpAutoWidth = true, synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        customSynopsis = "proa webhook --tls-cert=FILE --tls-key=FILE --image=IMAGE [--port=P] [--mode=image|copy]"
                + " [--container=NAME] [--log-level=LEVEL] [--log-format=text|json] [-- PROA_OPTION...]",
        header = Tools.WEBHOOK,
        description = {"Answers AdmissionReview v1 on POST /mutate with a JSONPatch making the change 'proa inject'"
                + " makes, for Pods (CREATE); /healthz answers ok. A Pod with the label or annotation"
                + " proa.dev/inject: disabled is left unchanged; the annotation proa.dev/container names its main"
                + " container. A Pod proa cannot be put in front of (a main container without command) is denied,"
                + " with the reason and the fix. The certificate and key are read again whenever their files change.",
                "Exit status: 2 on a usage error, 1 when the certificate, key or port cannot be used; otherwise it"
                        + " serves until killed."},
        optionListHeading = "%nOptions:%n")
final class WebhookCommand {
    @Option(names = "--port", paramLabel = "P", description = "The HTTPS port. Default: 8443.")
    int port = 8443;

    @Option(names = "--tls-cert", paramLabel = "FILE", required = true,
            description = "The server certificate (PEM; with its chain), e.g. a cert-manager Secret's tls.crt.")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", required = true,
            description = "Its private key (PEM: RSA in PKCS#1 or PKCS#8, EC in SEC 1 or PKCS#8), e.g. tls.key.")
    Path key;

    @Option(names = "--image", paramLabel = "IMAGE", required = true, description = "proa's image, as for proa inject.")
    String image;

    @Option(names = "--mode", paramLabel = "image|copy", description = "As for proa inject. Default: image.")
    Injection.Mode mode = Injection.Mode.IMAGE;

    @Option(names = "--container", paramLabel = "NAME", description = "The main container's name, where a Pod has no"
            + " proa.dev/container annotation. Default: the first container that is not a recognized sidecar.")
    String container;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info (one line per request), debug"
            + " or trace. Default: info.")
    LogLevel logLevel = LogLevel.INFO;

    @Option(names = "--log-format", paramLabel = "text|json", description = "As proa's. Default: text.")
    LogFormat logFormat = LogFormat.TEXT;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    /** How long a stopping webhook lets the requests it is answering finish (the kubelet allows 30 s by default). */
    static final int STOP_SECONDS = 5;

    /** A request body larger than this is refused: the API server's own limit on an object is 1.5 MiB. */
    static final int MAX_BODY = 4 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    static int run(List<String> args, PrintStream out, PrintStream err, java.util.function.Consumer<Logger> signals) {
        ProaOptions.Split split = ProaOptions.Split.of(args);
        List<String> own = split.own();
        List<String> proa = split.proa();
        WebhookCommand command = new WebhookCommand();
        CommandLine cli = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cli.parseArgs(own.toArray(String[]::new));
            if (cli.isUsageHelpRequested()) {
                cli.usage(out);
                return 0;
            }
            if (command.port < 0 || command.port > 65535) {
                throw new CommandLine.ParameterException(cli, "--port=" + command.port + " is not a port (0 to 65535)");
            }
            ProaOptions.check(proa);
        } catch (CommandLine.ParameterException e) {
            return ProaOptions.usageError("webhook", cli, e.getMessage(), err);
        } catch (ProaOptions.Rejected e) {
            return ProaOptions.rejected("webhook", e, err);
        }
        Logging.configure(command.logLevel, command.logFormat);
        Logger log = LoggerFactory.getLogger("proa");
        signals.accept(log);
        return command.serve(new Injection.Settings(command.image.strip(), command.mode, command.container, proa), log);
    }

    private int serve(Injection.Settings settings, Logger log) {
        TlsFiles tls;
        HttpsServer server;
        try {
            tls = new TlsFiles(cert, key);
            server = HttpsServer.create(new InetSocketAddress(port), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls.context()));
        } catch (TlsFiles.Unusable e) {
            log.error("{}. Not serving; exit 1", e.getMessage());
            return 1;
        } catch (IOException | GeneralSecurityException e) {
            log.error("Cannot serve HTTPS on port {}: {}. Exit 1", port, e.getMessage());
            return 1;
        }
        server.createContext("/mutate", exchange -> mutate(exchange, settings, log));
        server.createContext("/healthz", exchange -> answer(exchange, 200, "text/plain", "ok\n"));
        server.createContext("/", exchange -> answer(exchange, 404, "text/plain",
                "proa's webhook answers POST /mutate (AdmissionReview v1) and GET /healthz\n"));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        // SIGTERM (a rollout, a drained node): no new connections, and the answers under way are sent, so that no
        // Pod creation fails for a webhook that was merely being replaced.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping: finishing the requests under way (at most {} s)", STOP_SECONDS);
            server.stop(STOP_SECONDS);
        }));
        Thread.ofPlatform().daemon().name("proa-tls-watch").start(() -> tls.watch(log));
        log.info("Serving the admission webhook on port {} (POST /mutate, GET /healthz) with the certificate {}"
                + " (valid until {}); injecting {} ({})", server.getAddress().getPort(),
                tls.certificate().getSubjectX500Principal().getName(), tls.certificate().getNotAfter().toInstant(),
                settings.image(), Report.how(settings));
        try {
            new CountDownLatch(1).await(); // until the JVM is ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void mutate(HttpExchange exchange, Injection.Settings settings, Logger log) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            answer(exchange, 405, "text/plain", "/mutate takes POST with an AdmissionReview v1\n");
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            answer(exchange, 413, "text/plain", "the body is larger than " + MAX_BODY + " bytes\n");
            return;
        }
        JsonNode review;
        try {
            review = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            log.warn("Bad request to /mutate from {}: not JSON ({})", exchange.getRemoteAddress(), e.getOriginalMessage());
            answer(exchange, 400, "text/plain", "the body is not JSON: " + e.getOriginalMessage() + "\n");
            return;
        }
        Admission.Answer answer;
        try {
            answer = Admission.review(review == null ? JSON.nullNode() : review, settings);
        } catch (RuntimeException e) { // a defect of proa's own: say so, answer, and keep serving
            log.error("Could not decide on a request: {}", e.toString(), e);
            answer(exchange, 500, "text/plain", "proa's webhook failed on this request: " + e + "\n");
            return;
        }
        switch (answer) {
            case Admission.Review ok -> {
                log.info("{}", ok.log());
                answer(exchange, 200, "application/json", Yaml.json(ok.review()));
            }
            case Admission.BadRequest bad -> {
                log.warn("Bad request to /mutate from {}: {}", exchange.getRemoteAddress(), bad.why());
                answer(exchange, 400, "text/plain", bad.why() + "\n");
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
