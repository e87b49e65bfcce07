package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.silence.SilenceMatchers;

import java.time.Instant;
import java.util.Map;

/**
 * Mutes matching alerts between two instants, as in Alertmanager: every matcher must match a label.
 * A matcher value wrapped in slashes ({@code /orders-.*}/) is a regular expression, anything else is
 * an exact value. The matchers are checked, bounded and compiled (once, linear-time) by {@link SilenceMatchers}.
 */
public record Silence(String id, Map<String, String> matchers, Instant startsAt, Instant endsAt, String createdBy,
                      String comment) {

    public Silence {
        matchers = Map.copyOf(matchers);
        SilenceMatchers.of(matchers); // refuses what is malformed or too large, and compiles it for mutes()
        if (!endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("endsAt must be after startsAt");
        }
    }

    public boolean activeAt(Instant t) {
        return !t.isBefore(startsAt) && t.isBefore(endsAt);
    }

    public boolean mutes(AlertTransition alert, Instant at) {
        if (!activeAt(at)) {
            return false;
        }
        return SilenceMatchers.of(matchers).matches(alert.labels());
    }
}
