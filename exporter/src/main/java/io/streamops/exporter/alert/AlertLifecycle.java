package io.streamops.exporter.alert;

import java.time.Duration;
import java.time.Instant;

/**
 * The timing of one alert, exactly as Prometheus does it, and nothing else (no labels, no texts):
 * <ul>
 *   <li>condition holds, no alert: PENDING from now (then straight on to FIRING if {@code for} is 0)</li>
 *   <li>PENDING and held for at least {@code for}: FIRING (transition)</li>
 *   <li>PENDING and the condition stops holding: gone, no transition</li>
 *   <li>FIRING and the condition stops holding: still FIRING until {@code keep_firing_for} has passed since
 *       the first evaluation it did not hold, then gone (RESOLVED transition); holding again in between
 *       cancels the countdown</li>
 * </ul>
 */
final class AlertLifecycle {

    /**
     * @param state      the alert after this evaluation; null when inactive
     * @param transition FIRING or RESOLVED when the alert crossed one of those lines now; null otherwise
     */
    record Step(AlertState state, AlertPhase transition) {}

    private AlertLifecycle() {}

    static Step next(AlertState previous, boolean holds, Duration forDuration, Duration keepFiringFor, Instant now) {
        if (holds) {
            AlertState state = previous == null ? AlertState.pending(now) : previous;
            if (state.isFiring()) {
                return new Step(state.keepFiringSince() == null ? state : state.withKeepFiringSince(null), null);
            }
            if (!now.isBefore(state.activeAt().plus(forDuration))) {
                return new Step(state.firing(now), AlertPhase.FIRING);
            }
            return new Step(state, null);
        }
        if (previous == null || !previous.isFiring()) {
            return new Step(null, null);
        }
        Instant since = previous.keepFiringSince() == null ? now : previous.keepFiringSince();
        if (now.isBefore(since.plus(keepFiringFor))) {
            return new Step(previous.keepFiringSince() == null ? previous.withKeepFiringSince(since) : previous, null);
        }
        return new Step(null, AlertPhase.RESOLVED);
    }
}
