package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertTransition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which firing each receiver was actually told about, as Alertmanager's notification log: a resolve goes
 * to a receiver only if its firing did, and says what that firing said (its texts are not rendered again
 * at resolve time, when "no heartbeat for 1m 34s" would read "932ms"). Per receiver, so a PagerDuty
 * receiver without group_wait gets a firing and its resolve while an email receiver that waited gets
 * neither. As a stage, it lets a resolve on only to the receivers that were sent its firing, with that
 * firing's texts.
 */
final class NotificationLog implements Stage {
    /** fingerprint -> receiver -> the firing that receiver was sent. */
    private final Map<String, Map<String, AlertTransition>> sent = new HashMap<>();

    @Override
    public List<Notice> apply(List<Notice> notices, Instant now) {
        List<Notice> on = new ArrayList<>(notices.size());
        for (Notice notice : notices) {
            on.add(notice.firing() ? notice : asSent(notice));
        }
        return on;
    }

    /**
     * The resolve, to each receiver that was told its firing and has not had this resolve yet, saying what
     * that firing said. A receiver that had it already (from the previous owner), or that does not want
     * resolves, is done with the alert.
     */
    private Notice asSent(Notice resolve) {
        AlertTransition t = resolve.alert();
        Map<String, AlertTransition> to = new LinkedHashMap<>();
        for (String receiver : t.receivers()) {
            AlertTransition firing = firingSentTo(t.fingerprint(), receiver);
            if (!resolve.receivers().containsKey(receiver) || (firing != null && !t.sendResolved())) {
                resolved(receiver, t.fingerprint());
            } else if (firing != null) {
                to.put(receiver, withTextsOf(firing, t));
            }
        }
        return resolve.to(to);
    }

    /** The resolve as a receiver hears it: the state of {@code resolve}, the texts of the firing it was sent. */
    private static AlertTransition withTextsOf(AlertTransition sentFiring, AlertTransition resolve) {
        return new AlertTransition(resolve.fingerprint(), resolve.rule(), resolve.phase(), resolve.severity(), resolve.labels(),
                sentFiring.annotations(), resolve.signals(), resolve.receivers(), resolve.repeatInterval(),
                resolve.sendResolved(), resolve.startsAt(), resolve.endsAt(), resolve.at());
    }

    void sent(String receiver, AlertTransition firing) {
        sent.computeIfAbsent(firing.fingerprint(), f -> new HashMap<>()).put(receiver, firing);
    }

    /** The alert went out to all its receivers before (history replayed on taking over a partition). */
    void sentToAll(AlertTransition firing) {
        firing.receivers().forEach(receiver -> sent(receiver, firing));
    }

    /** The firing {@code receiver} was told about for this alert, or null if it was told none. */
    AlertTransition firingSentTo(String fingerprint, String receiver) {
        Map<String, AlertTransition> byReceiver = sent.get(fingerprint);
        return byReceiver == null ? null : byReceiver.get(receiver);
    }

    /** {@code receiver} has been told the alert resolved. */
    void resolved(String receiver, String fingerprint) {
        Map<String, AlertTransition> byReceiver = sent.get(fingerprint);
        if (byReceiver != null) {
            byReceiver.remove(receiver);
            if (byReceiver.isEmpty()) {
                sent.remove(fingerprint);
            }
        }
    }

    void forget(String fingerprint) {
        sent.remove(fingerprint);
    }

    void forgetAll(Collection<String> fingerprints) {
        fingerprints.forEach(sent::remove);
    }
}
