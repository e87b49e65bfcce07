package io.streamops.exporter.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A password, token or routing key. It prints as {@code ***} (so it stays out of logs, exception
 * messages and records' {@code toString}), and {@link #reveal()} is the one way to read it: call it only
 * where the value goes on the wire.
 */
public final class Secret {
    private static final String MASK = "***";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new Secret(value);
    }

    /** Reads the secret from an environment variable. The error names the variable, never a value. */
    public static Secret fromEnv(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + variable + " is not set or empty");
        }
        return new Secret(value);
    }

    /** Reads the secret from a file (a mounted Kubernetes secret, say); trailing line breaks are dropped. */
    public static Secret fromFile(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // The message of an IOException names the file only.
            throw new UncheckedIOException("cannot read secret file " + file, e);
        }
        return of(content.replaceAll("[\\r\\n]+$", ""));
    }

    public String reveal() {
        return value;
    }

    /** {@code text} with every occurrence of the secret replaced by {@code ***}: for server answers and errors. */
    public String redactFrom(String text) {
        return text == null ? null : text.replace(value, MASK);
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret that
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), that.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // constant on purpose: a hash of the value would leak something about it
    }
}
