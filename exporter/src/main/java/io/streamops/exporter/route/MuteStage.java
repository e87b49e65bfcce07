package io.streamops.exporter.route;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds back the firing alerts its {@link Mute} mutes now, as Alertmanager's MuteStage; resolves pass (a
 * firing that went out gets its resolve, muted or not). What it holds back is not kept here: the alert
 * stays firing, and the next look at it (a repeat, or the once-a-second look at muted alerts) tries again.
 */
final class MuteStage implements Stage {
    private final Mute mute;
    private final Counter muted;

    MuteStage(Mute mute, MeterRegistry registry) {
        this.mute = mute;
        this.muted = Counter.builder("streamops.exporter.alerts." + mute.name())
                .description("Alert notifications held back: " + mute.name()).register(registry);
    }

    Mute mute() {
        return mute;
    }

    @Override
    public List<Notice> apply(List<Notice> notices, Instant now) {
        List<Notice> on = new ArrayList<>(notices.size());
        for (Notice notice : notices) {
            if (notice.firing() && mute.mutes(notice.alert(), now)) {
                if (notice.fresh()) {
                    muted.increment();
                }
            } else {
                on.add(notice);
            }
        }
        return on;
    }
}
