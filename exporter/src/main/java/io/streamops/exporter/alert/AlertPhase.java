package io.streamops.exporter.alert;

/** An alert's lifecycle, as in Prometheus: pending while its {@code for} runs, then firing, then resolved. */
public enum AlertPhase {
    PENDING,
    FIRING,
    RESOLVED;

    public String wireName() {
        return name().toLowerCase();
    }
}
