package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertTransition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Which firing each receiver was actually told about, as Alertmanager's notification log: a resolve goes
 * to a receiver only if its firing did, and says what that firing said (its texts are not rendered again
 * at resolve time, when "no heartbeat for 1m 34s" would read "932ms"). Per receiver, so a PagerDuty
 * receiver without group_wait gets a firing and its resolve while an email receiver that waited gets
 * neither.
 */
final class NotificationLog {
    /** fingerprint -> receiver -> the firing that receiver was sent. */
    private final Map<String, Map<String, AlertTransition>> sent = new HashMap<>();

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
