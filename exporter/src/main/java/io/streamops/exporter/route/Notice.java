package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An alert transition on its way through the routing {@link Stage}s.
 *
 * @param receivers what each receiver still to be told is to hear, in the alert's order of receivers: the
 *                  transition itself, or for a resolve what the firing that receiver was sent said
 * @param fresh     a transition read now from the alerts topic (not a repeat, nor a second look at a muted
 *                  alert): only fresh ones count in the muted metrics
 * @param onGrid    for a firing, the point of its repeat schedule this sending is; null for a resolve
 */
record Notice(AlertTransition alert, Source source, Map<String, AlertTransition> receivers, boolean fresh, Instant onGrid) {
    Notice {
        receivers = Collections.unmodifiableMap(new LinkedHashMap<>(receivers));
    }

    /** The transition, to every receiver of the alert but those that had it already. */
    static Notice of(AlertTransition alert, Source source, Set<String> alreadySent, boolean fresh, Instant onGrid) {
        Map<String, AlertTransition> to = new LinkedHashMap<>();
        for (String receiver : alert.receivers()) {
            if (!alreadySent.contains(receiver)) {
                to.put(receiver, alert);
            }
        }
        return new Notice(alert, source, to, fresh, onGrid);
    }

    boolean firing() {
        return alert.phase() == AlertPhase.FIRING;
    }

    Notice to(Map<String, AlertTransition> newReceivers) {
        return new Notice(alert, source, newReceivers, fresh, onGrid);
    }
}
