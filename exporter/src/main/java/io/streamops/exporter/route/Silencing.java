package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.silence.Silence;

import java.time.Instant;
import java.util.Collection;
import java.util.function.Supplier;

/** Mutes an alert while a {@link Silence} matches it. */
public final class Silencing implements Mute {
    private final Supplier<Collection<Silence>> silences;

    public Silencing(Supplier<Collection<Silence>> silences) {
        this.silences = silences;
    }

    @Override
    public String name() {
        return "silenced";
    }

    @Override
    public boolean mutes(AlertTransition alert, Instant now) {
        for (Silence s : silences.get()) {
            if (s.mutes(alert, now)) {
                return true;
            }
        }
        return false;
    }
}
