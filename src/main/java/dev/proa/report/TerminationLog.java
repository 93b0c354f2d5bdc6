package dev.proa.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;

/**
 * The one-line summary of the run in the container's termination message (/dev/termination-log), which
 * {@code kubectl get pod -o yaml} and {@code kubectl describe pod} show, so a failed Job says why at a glance.
 */
public final class TerminationLog {
    /** The kubelet keeps at most 4096 bytes of it. */
    private static final int LIMIT = 4096;

    private TerminationLog() {}

    /**
     * Writes {@code summary} to {@code path} when it exists and is writable (the kubelet creates it in a Pod); a path
     * given explicitly ({@code create}) is created if need be.
     */
    public static void write(Logger log, String path, boolean create, String summary) {
        Path file = Path.of(path);
        if (!(Files.isRegularFile(file) && Files.isWritable(file)) && !create) return;
        byte[] bytes = summary.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > LIMIT) bytes = java.util.Arrays.copyOf(bytes, LIMIT);
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            // Asked for by name (--termination-log), its absence is worth a warning; the kubelet's default is not.
            String why = e instanceof java.nio.file.NoSuchFileException ? "its directory does not exist"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : String.valueOf(e.getMessage());
            if (create) {
                log.warn("Could not write the termination message to {} ({}): check --termination-log", path, why);
            } else {
                log.debug("Could not write the termination message to {}: {}", path, why);
            }
        }
    }
}
