package io.streamops.exporter.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A password, token or routing key. It prints as {@code ***} (so it stays out of logs, exception
 * messages and records' {@code toString}), and {@link #reveal()} is the one way to read it: call it only
 * where the value goes on the wire or is compared. Secrets reach the exporter through exporter.yaml's
 * {@code ${ENV}} and {@code ${file:/path}} references ({@code config.EnvSubstitution}).
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
