package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertTransition;

import java.time.Instant;

/**
 * One reason not to notify a firing alert now, as Alertmanager's mute stages: inhibition by another
 * firing alert, or a silence. A muted alert stays firing (it is shown, it inhibits others) and goes out
 * once no mute holds it any more.
 */
public interface Mute {
    /** Names the mute in {@code streamops_exporter_alerts_<name>_total}. */
    String name();

    boolean mutes(AlertTransition alert, Instant now);
}
