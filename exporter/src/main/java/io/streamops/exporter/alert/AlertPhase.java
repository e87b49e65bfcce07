package io.streamops.exporter.alert;

/** An alert's lifecycle, as in Prometheus: pending while its {@code for} runs, then firing, then resolved. */
public enum AlertPhase {
    PENDING,
    FIRING,
    RESOLVED;

    private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

    public String wireName() {
        return wireName;
    }
}
