package dev.proa.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor for the benchmark: a Java program that does nothing but say when its main began (epoch nanoseconds, to
 * the file in $1), then sleeps $2 milliseconds if given.
 */
public final class Hello {
    public static void main(String[] args) throws Exception {
        java.time.Instant now = java.time.Instant.now();
        Files.writeString(Path.of(args[0]), Long.toString(now.getEpochSecond() * 1_000_000_000L + now.getNano()));
        if (args.length > 1) Thread.sleep(Long.parseLong(args[1]));
    }
}
