package io.streamops.exporter.alert;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * One rule's alert on one query, while it is pending or firing (an inactive alert has no state).
 *
 * @param phase           PENDING or FIRING
 * @param activeAt        when the condition started to hold: the alert's {@code startsAt}
 * @param firedAt         when it became FIRING; null while pending
 * @param keepFiringSince the first evaluation at which the condition no longer held while firing; null while
 *                        it holds. The alert resolves once {@code keep_firing_for} has passed since then.
 * @param fired           what the FIRING transition announced; null while pending
 */
public record AlertState(AlertPhase phase, Instant activeAt, Instant firedAt, Instant keepFiringSince, FiredAlert fired) {

    static AlertState pending(Instant activeAt) {
        return new AlertState(AlertPhase.PENDING, activeAt, null, null, null);
    }

    AlertState firing(Instant at) {
        return new AlertState(AlertPhase.FIRING, activeAt, at, null, null);
    }

    AlertState withFired(FiredAlert announced) {
        return new AlertState(phase, activeAt, firedAt, keepFiringSince, announced);
    }

    AlertState withKeepFiringSince(Instant since) {
        return new AlertState(phase, activeAt, firedAt, since, fired);
    }

    @JsonIgnore // derived from phase; not part of the stored state
    public boolean isFiring() {
        return phase == AlertPhase.FIRING;
    }
}
