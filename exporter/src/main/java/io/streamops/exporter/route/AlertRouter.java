package io.streamops.exporter.route;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The notification pipeline after rule evaluation, in Alertmanager's order: remember -> inhibit ->
 * silence -> group (wait, then one dispatch per receiver and group) -> repeat while firing.
 * Single-threaded and clock-driven ({@link #accept} and {@link #tick} take the time), so every stage
 * is testable without waiting.
 */
public final class AlertRouter {
    private final List<InhibitRule> inhibitRules;
    private final Supplier<Collection<Silence>> silences;
    private final List<String> groupBy;
    private final Function<String, Duration> groupWait;
    private final Consumer<Dispatch> deliver;
    private final Counter inhibited;
    private final Counter silenced;

    /** Firing alerts by fingerprint: what /api/alerts shows and what inhibition looks at. */
    private final Map<String, AlertTransition> firing = new LinkedHashMap<>();
    /**
     * When each firing alert was last dispatched, for repeat_interval. A firing alert missing here has
     * not been sent yet (it was muted): the next tick after its mute ends sends it.
     */
    private final Map<String, Instant> lastSent = new LinkedHashMap<>();
    /** Firing alerts rebuilt from history whose mute the next tick has to look at (see {@link #remember}). */
    private final Set<String> rememberedUnchecked = new LinkedHashSet<>();
    /** When tick next looks at firing alerts that were muted and never sent. */
    private Instant nextMuteCheck = Instant.MIN;
    /** Groups waiting out their group_wait: key -> (deadline, alerts by fingerprint). */
    private final Map<String, PendingGroup> pending = new LinkedHashMap<>();

    private static final class PendingGroup {
        final String receiver;
        final Instant created;
        final Instant due;
        final Map<String, AlertTransition> alerts = new LinkedHashMap<>();

        PendingGroup(String receiver, Instant created, Instant due) {
            this.receiver = receiver;
            this.created = created;
            this.due = due;
        }
    }

    public AlertRouter(List<InhibitRule> inhibitRules, Supplier<Collection<Silence>> silences, List<String> groupBy,
                       Function<String, Duration> groupWaitPerReceiver, Consumer<Dispatch> deliver, MeterRegistry registry) {
        this.inhibitRules = List.copyOf(inhibitRules);
        this.silences = silences;
        this.groupBy = List.copyOf(groupBy);
        this.groupWait = groupWaitPerReceiver;
        this.deliver = deliver;
        this.inhibited = Counter.builder("streamops.exporter.alerts.inhibited")
                .description("Alert notifications held back because another firing alert inhibits them").register(registry);
        this.silenced = Counter.builder("streamops.exporter.alerts.silenced")
                .description("Alert notifications held back by a silence").register(registry);
    }

    /**
     * Remembers a transition without notifying: used to rebuild state from already-handled history. A
     * firing alert counts as sent unless the next tick finds it muted: then it was most likely muted when
     * it fired too, and goes out once its mute ends. The check waits for the tick so that it runs once
     * per alert still firing, not once per history record against every firing alert.
     */
    public void remember(AlertTransition t) {
        if (t.phase() == AlertPhase.FIRING) {
            firing.put(t.fingerprint(), t);
            lastSent.put(t.fingerprint(), t.at());
            rememberedUnchecked.add(t.fingerprint());
        } else {
            firing.remove(t.fingerprint());
            lastSent.remove(t.fingerprint());
            rememberedUnchecked.remove(t.fingerprint());
        }
    }

    /** One transition through the pipeline. */
    public void accept(AlertTransition t, Instant now) {
        boolean firingWasSent = lastSent.containsKey(t.fingerprint());
        if (t.phase() == AlertPhase.RESOLVED) {
            firing.remove(t.fingerprint());
            lastSent.remove(t.fingerprint());
            // Every firing that went out gets its resolve, muted or not now: a silence or a lost driver
            // must not leave a PagerDuty incident open that nothing will ever close.
            if (t.sendResolved() && firingWasSent) {
                enqueue(t, now);
            }
            flushDue(now);
            return;
        }
        firing.put(t.fingerprint(), t);
        if (isInhibited(t)) {
            inhibited.increment();
            return;
        }
        if (isSilenced(t, now)) {
            silenced.increment();
            return;
        }
        enqueue(t, now);
        flushDue(now);
    }

    /**
     * Time passes: flush groups whose wait is over; send firing alerts whose repeat interval is up, and
     * those held back by a mute that has ended.
     */
    public void tick(Instant now) {
        // Muted alerts are looked at once a second, not every poll: each look matches every firing alert.
        boolean lookAtMuted = !now.isBefore(nextMuteCheck);
        if (lookAtMuted) {
            nextMuteCheck = now.plusSeconds(1);
            for (String fingerprint : rememberedUnchecked) {
                AlertTransition t = firing.get(fingerprint);
                if (t != null && (isInhibited(t) || isSilenced(t, now))) {
                    lastSent.remove(fingerprint); // never sent, as far as we can tell: sent once unmuted
                }
            }
            rememberedUnchecked.clear();
        }
        for (AlertTransition t : new ArrayList<>(firing.values())) {
            Instant last = lastSent.get(t.fingerprint());
            boolean due = last == null ? lookAtMuted : !now.isBefore(last.plus(t.repeatInterval()));
            if (due && !isInhibited(t) && !isSilenced(t, now)) {
                enqueue(t, now);
            }
        }
        flushDue(now);
    }

    /** The alerts firing now, for the API. */
    public List<AlertTransition> firing() {
        return new ArrayList<>(firing.values());
    }

    /**
     * When the oldest group still waiting out its group_wait was started, if any. Every transition
     * accepted before that instant has been dispatched, so its offset may be committed; later ones not yet.
     */
    public Optional<Instant> oldestPendingSince() {
        return pending.values().stream().map(g -> g.created).min(Comparator.naturalOrder());
    }

    private boolean isInhibited(AlertTransition t) {
        for (AlertTransition source : firing.values()) {
            for (InhibitRule rule : inhibitRules) {
                if (rule.inhibits(source, t)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean isSilenced(AlertTransition t, Instant now) {
        for (Silence s : silences.get()) {
            if (s.mutes(t, now)) {
                return true;
            }
        }
        return false;
    }

    private void enqueue(AlertTransition t, Instant now) {
        if (t.phase() == AlertPhase.FIRING) {
            lastSent.put(t.fingerprint(), now);
        }
        for (String receiver : t.receivers()) {
            String key = groupKey(receiver, t);
            PendingGroup group = pending.computeIfAbsent(key, k -> new PendingGroup(receiver, now, now.plus(groupWait.apply(receiver))));
            group.alerts.put(t.fingerprint(), t);
        }
    }

    private String groupKey(String receiver, AlertTransition t) {
        StringBuilder key = new StringBuilder(receiver).append('{');
        for (String label : groupBy) {
            key.append(label).append('=').append(t.labels().getOrDefault(label, "")).append(',');
        }
        return key.append('}').toString();
    }

    private void flushDue(Instant now) {
        var it = pending.entrySet().iterator();
        while (it.hasNext()) {
            var entry = it.next();
            PendingGroup group = entry.getValue();
            if (!now.isBefore(group.due)) {
                it.remove();
                List<AlertTransition> alerts = new ArrayList<>(group.alerts.values());
                boolean anyFiring = alerts.stream().anyMatch(a -> a.phase() == AlertPhase.FIRING);
                deliver.accept(new Dispatch(group.receiver, entry.getKey(), anyFiring ? AlertPhase.FIRING : AlertPhase.RESOLVED, alerts));
            }
        }
    }
}
