package io.streamops.exporter.notify;

/** The status of a notification, as in Alertmanager: firing while any alert in the group fires. */
public enum NotificationStatus {
    FIRING,
    RESOLVED;

    /** The lower-case name used in payloads: {@code firing}, {@code resolved}. */
    public String wireName() {
        return name().toLowerCase();
    }
}
