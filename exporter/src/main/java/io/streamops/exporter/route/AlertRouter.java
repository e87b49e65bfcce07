package io.streamops.exporter.route;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.support.LogLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The notification pipeline after rule evaluation, in Alertmanager's order:
 * <b>remember -> mute (inhibit, silence) -> group (wait) -> notification log (repeat; resolve only what was
 * sent) -> deliver</b>.
 * Single-threaded and clock-driven ({@link #accept} and {@link #tick} take the time), so every stage is
 * testable without waiting. Every alert belongs to the alerts-topic partition it came from: the router
 * only repeats alerts of partitions it has caught up on ({@link #replaying}), and forgets a partition's
 * alerts when it hands the partition over ({@link #handOver}, {@link #drop}).
 */
public final class AlertRouter {
    private static final Logger LOG = LoggerFactory.getLogger(AlertRouter.class);

    private final List<Mute> mutes;
    private final Map<Mute, Counter> mutedCount = new LinkedHashMap<>();
    private final AlertGroups groups;
    private final NotificationLog log = new NotificationLog();
    private final Consumer<Dispatch> deliver;
    private final Counter deliveryFailures;
    private final LogLimiter deliveryFailureLog = new LogLimiter(LOG);

    /** Firing alerts by fingerprint: what /api/alerts shows and what inhibition looks at. */
    private final Map<String, AlertTransition> firing = new LinkedHashMap<>();
    /** The alerts-topic partition each alert came from. */
    private final Map<String, Integer> partitionOf = new LinkedHashMap<>();
    /**
     * Where each firing alert's repeat schedule stands: when it was last put into its groups, on a grid of
     * repeat intervals from when it fired, so an instance taking the alert over repeats it on the same grid.
     * A firing alert missing here has not been sent yet (it was muted when it fired): the next look at
     * mutes sends it. Whether it is muted <em>now</em> never says it was not sent: a paged alert that is
     * inhibited or silenced later still gets its resolve, and is not paged again as new when the mute ends.
     */
    private final Map<String, Instant> lastQueued = new LinkedHashMap<>();
    /** Partitions whose history is still being re-read: their alerts are neither repeated nor checked for mutes. */
    private final Set<Integer> replaying = new HashSet<>();
    /** Per partition whose oldest records the alerts topic's retention deleted: when its retained history begins. */
    private final Map<Integer, Instant> historySince = new HashMap<>();
    /** When tick next looks at firing alerts that were muted and never sent. */
    private Instant nextMuteCheck = Instant.MIN;

    public AlertRouter(List<InhibitRule> inhibitRules, Supplier<Collection<Silence>> silences, List<String> groupBy,
                       Function<String, Duration> groupWaitPerReceiver, Consumer<Dispatch> deliver, MeterRegistry registry) {
        this.mutes = List.of(new Inhibition(inhibitRules, firing::values), new Silencing(silences));
        for (Mute mute : mutes) {
            mutedCount.put(mute, Counter.builder("streamops.exporter.alerts." + mute.name())
                    .description("Alert notifications held back: " + mute.name()).register(registry));
        }
        this.groups = new AlertGroups(groupBy, groupWaitPerReceiver);
        this.deliver = deliver;
        this.deliveryFailures = Counter.builder("streamops.exporter.routing.dispatch.failures")
                .description("Groups that could not be handed to the delivery queue (kept and tried again)").register(registry);
    }

    /** The partitions whose history is being re-read from the start, up to where their last owner committed. */
    public void replaying(Collection<Integer> partitions) {
        replaying.addAll(partitions);
    }

    /** The partition's history is re-read: its alerts repeat (and are checked for mutes) from now on. */
    public void caughtUp(int partition) {
        replaying.remove(partition);
    }

    public boolean isReplaying(int partition) {
        return replaying.contains(partition);
    }

    /**
     * The partition's retained history begins with a transition made at {@code since}: the topic's
     * retention deleted what came before. An alert that fired before that and resolves now is unknown
     * here, yet its firing went out: its resolve must too, or the incident it opened stays open for good.
     */
    public void historyStartsAt(int partition, Instant since) {
        historySince.put(partition, since);
    }

    /**
     * Remembers a transition without notifying: used to rebuild state from already-handled history, in
     * order, so the firing alerts known here are those firing when {@code t} happened. A firing alert
     * counts as sent to all its receivers, with its last repeat on its grid before {@code now}, unless it
     * was muted when it fired (by what fired before it, or a silence active then): then it was held back,
     * and goes out once its mute ends. One whose inhibitor resolved later in the history was sent then.
     */
    public void remember(AlertTransition t, int partition, Instant now) {
        partitionOf.put(t.fingerprint(), partition);
        if (t.phase() == AlertPhase.FIRING) {
            firing.put(t.fingerprint(), t);
            if (muted(t, t.at(), false)) {
                lastQueued.remove(t.fingerprint());
                log.forget(t.fingerprint());
            } else {
                rememberSent(t, t.at(), now);
            }
        } else {
            firing.remove(t.fingerprint());
            lastQueued.remove(t.fingerprint());
            log.forget(t.fingerprint());
            // The alerts this one inhibited went out when it resolved, on whichever instance owned them then.
            for (AlertTransition held : new ArrayList<>(firing.values())) {
                if (partitionOf.get(held.fingerprint()) == partition && !lastQueued.containsKey(held.fingerprint())
                        && !muted(held, t.at(), false)) {
                    rememberSent(held, t.at(), now);
                }
            }
        }
    }

    /** {@code t} went out to all its receivers at {@code sentAt}, and repeated on its grid from there until {@code now}. */
    private void rememberSent(AlertTransition t, Instant sentAt, Instant now) {
        lastQueued.put(t.fingerprint(), lastOnGrid(sentAt, t.repeatInterval(), now));
        log.sentToAll(t);
    }

    /**
     * One new transition through the pipeline.
     *
     * @param alreadySent receivers that were handed this very transition before (by the instance this
     *                    partition was taken over from, see {@code RouterOffsets}): they get it not again
     */
    public void accept(AlertTransition t, Source source, Set<String> alreadySent, Instant now) {
        partitionOf.put(t.fingerprint(), source.partition());
        if (t.phase() == AlertPhase.RESOLVED) {
            boolean known = firing.remove(t.fingerprint()) != null;
            lastQueued.remove(t.fingerprint());
            Instant since = historySince.get(source.partition());
            if (!known && since != null && t.startsAt() != null && t.startsAt().isBefore(since)) {
                // Its FIRING is older than the retained history: it was sent (a resolve carries the firing's
                // texts). Muted back then? Unknowable now; a resolve too many beats an incident never closed.
                log.sentToAll(t);
            }
            for (String receiver : t.receivers()) {
                AlertTransition sent = log.firingSentTo(t.fingerprint(), receiver);
                if (alreadySent.contains(receiver) || (sent != null && !t.sendResolved())) {
                    log.resolved(receiver, t.fingerprint());
                } else if (sent != null) {
                    // Every firing that went out gets its resolve, muted or not now, saying what the firing said.
                    groups.add(receiver, withTextsOf(sent, t), source, now);
                }
                // A firing never sent to this receiver (muted, or still waiting in the group with it): the
                // receiver hears of neither.
                groups.withdrawFiring(receiver, t);
            }
            flushDue(now);
            return;
        }
        firing.put(t.fingerprint(), t);
        alreadySent.forEach(receiver -> log.sent(receiver, t));
        if (!alreadySent.isEmpty()) {
            // It went out before (from the previous owner): muted now or not, it is not new when the mute ends.
            lastQueued.put(t.fingerprint(), lastOnGrid(t.at(), t.repeatInterval(), now));
        }
        if (muted(t, now, true)) {
            return;
        }
        queue(t, source, alreadySent, lastOnGrid(t.at(), t.repeatInterval(), now), now);
        flushDue(now);
    }

    /**
     * Time passes: flush groups whose wait is over; send firing alerts whose repeat interval is up, and
     * those held back by a mute that has ended. Alerts of partitions still replaying wait for their turn.
     */
    public void tick(Instant now) {
        // Muted alerts are looked at once a second, not every poll: each look matches every firing alert.
        boolean lookAtMuted = !now.isBefore(nextMuteCheck);
        if (lookAtMuted) {
            nextMuteCheck = now.plusSeconds(1);
        }
        for (AlertTransition t : new ArrayList<>(firing.values())) {
            int partition = partitionOf.get(t.fingerprint());
            if (replaying.contains(partition)) {
                continue;
            }
            Instant last = lastQueued.get(t.fingerprint());
            boolean due = last == null ? lookAtMuted : !now.isBefore(last.plus(t.repeatInterval()));
            if (due && !muted(t, now, false)) {
                queue(t, Source.repeatOn(partition), Set.of(), last == null ? now : lastOnGrid(last, t.repeatInterval(), now), now);
            }
        }
        flushDue(now);
    }

    /**
     * The partitions move to another instance, cleanly: what waits in their groups goes out now (so the
     * group's offsets can be committed before the new owner reads on from them), then their alerts are
     * forgotten here: the new owner repeats and resolves them. A partition with a group delivery did not
     * take is kept: its pending offsets must be committed first (the new owner re-reads from there and
     * sends it), so the caller commits, then {@link #drop}s it.
     *
     * @return the partitions kept because something of theirs could not be handed to delivery
     */
    public Set<Integer> handOver(Collection<Integer> partitions, Instant now) {
        for (AlertGroups.Group group : groups.holding(partitions)) {
            dispatch(group);
        }
        Set<Integer> undelivered = new HashSet<>();
        List<Integer> delivered = new ArrayList<>();
        for (int partition : partitions) {
            (groups.holding(List.of(partition)).isEmpty() ? delivered : undelivered).add(partition);
        }
        drop(delivered);
        return undelivered;
    }

    /** Forgets the partitions' alerts without sending anything (they were lost to another instance). */
    public void drop(Collection<Integer> partitions) {
        Set<String> gone = new HashSet<>();
        partitionOf.forEach((fingerprint, partition) -> {
            if (partitions.contains(partition)) {
                gone.add(fingerprint);
            }
        });
        groups.drop(partitions);
        historySince.keySet().removeAll(partitions);
        firing.keySet().removeAll(gone);
        lastQueued.keySet().removeAll(gone);
        partitionOf.keySet().removeAll(gone);
        log.forgetAll(gone);
        replaying.removeAll(partitions);
    }

    /** The alerts firing now, for the API. */
    public List<AlertTransition> firing() {
        return new ArrayList<>(firing.values());
    }

    /**
     * The lowest offset of {@code partition} still waiting in a group for {@code receiver} (any receiver if
     * null), whether out its group_wait or for delivery to take it: every record below it has been handed
     * to delivery, so it may be committed; it and later ones not yet.
     */
    public OptionalLong pendingFrom(int partition, String receiver) {
        return groups.oldestOffset(partition, receiver);
    }

    /** The receivers with something of {@code partition} waiting. */
    public Set<String> receiversWaiting(int partition) {
        return groups.receiversWaiting(partition);
    }

    /** When the oldest group still waiting began, if any. */
    public Optional<Instant> oldestPendingSince() {
        return groups.oldestSince();
    }

    private boolean muted(AlertTransition t, Instant now, boolean count) {
        for (Mute mute : mutes) {
            if (mute.mutes(t, now)) {
                if (count) {
                    mutedCount.get(mute).increment();
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Into the groups of every receiver (but those that had it already) at {@code now}; {@code onGrid} is the
     * point of its repeat schedule this is.
     */
    private void queue(AlertTransition t, Source source, Set<String> alreadySent, Instant onGrid, Instant now) {
        lastQueued.put(t.fingerprint(), onGrid);
        for (String receiver : t.receivers()) {
            if (!alreadySent.contains(receiver)) {
                groups.add(receiver, t, source, now);
            }
        }
    }

    private void flushDue(Instant now) {
        for (AlertGroups.Group group : groups.due(now)) {
            dispatch(group);
        }
    }

    /** Hands a group to delivery; it leaves (and the log learns what was sent) only if delivery took it. */
    private void dispatch(AlertGroups.Group group) {
        Dispatch d = group.dispatch();
        try {
            deliver.accept(d);
        } catch (RuntimeException e) {
            deliveryFailures.increment();
            deliveryFailureLog.warn(null, "could not hand the group {} to delivery ({}); kept, tried again next tick", d.groupKey(), e.toString());
            return;
        }
        groups.delivered(group);
        for (AlertTransition a : d.alerts()) {
            if (a.phase() == AlertPhase.FIRING) {
                log.sent(d.receiver(), a);
            } else {
                log.resolved(d.receiver(), a.fingerprint());
            }
        }
    }

    /** The resolve as {@code receiver} hears it: the state of {@code resolve}, the texts of the firing it was sent. */
    private static AlertTransition withTextsOf(AlertTransition sentFiring, AlertTransition resolve) {
        return new AlertTransition(resolve.fingerprint(), resolve.rule(), resolve.phase(), resolve.severity(), resolve.labels(),
                sentFiring.annotations(), resolve.signals(), resolve.receivers(), resolve.repeatInterval(),
                resolve.sendResolved(), resolve.startsAt(), resolve.endsAt(), resolve.at());
    }

    /**
     * The latest point {@code anchor + k * interval} (k >= 0) not after {@code now}: an alert that fired at
     * {@code anchor} was last sent there, on whichever instance owned it.
     */
    static Instant lastOnGrid(Instant anchor, Duration interval, Instant now) {
        if (!now.isAfter(anchor) || interval.isZero() || interval.isNegative()) {
            return anchor;
        }
        long periods = Duration.between(anchor, now).toMillis() / interval.toMillis();
        return anchor.plus(interval.multipliedBy(periods));
    }
}
