package io.streamops.exporter.route;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.silence.Silence;

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
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The notification pipeline after rule evaluation, as Alertmanager's: each routing concern a {@link Stage},
 * run in the order {@link #pipeline} writes down once: inhibit and silence (each a {@link Mute}), the
 * repeat schedule, the notification log (a resolve only where its firing went, with its texts), the groups
 * (group_wait) and delivery. The router itself keeps what fires and where it came from, and decides what
 * is due: a new transition ({@link #accept}), a repeat or a second look at a muted alert ({@link #tick}).
 * Single-threaded and clock-driven ({@link #accept} and {@link #tick} take the time), so every stage is
 * testable without waiting. Every alert belongs to the alerts-topic partition it came from: the router
 * only repeats alerts of partitions it has caught up on ({@link #replaying}), and forgets a partition's
 * alerts when it hands the partition over ({@link #handOver}, {@link #drop}).
 */
public final class AlertRouter {
    /** What mutes an alert, for {@link #remember} (which rebuilds state and routes nothing). */
    private final List<Mute> mutes;
    private final RepeatSchedule schedule = new RepeatSchedule();
    private final NotificationLog log = new NotificationLog();
    private final AlertGroups groups;
    private final Delivery delivery;
    /** The routing stages, in the order every notice passes them. */
    private final List<Stage> pipeline;

    /** Firing alerts by fingerprint: what /api/alerts shows and what inhibition looks at. */
    private final Map<String, AlertTransition> firing = new LinkedHashMap<>();
    /** The alerts-topic partition each alert came from. */
    private final Map<String, Integer> partitionOf = new LinkedHashMap<>();
    /** Partitions whose history is still being re-read: their alerts are neither repeated nor checked for mutes. */
    private final Set<Integer> replaying = new HashSet<>();
    /** Per partition whose oldest records the alerts topic's retention deleted: when its retained history begins. */
    private final Map<Integer, Instant> historySince = new HashMap<>();
    /** When tick next looks at firing alerts that were muted and never sent. */
    private Instant nextMuteCheck = Instant.MIN;
    /**
     * The receivers for which a resolve without its firing is a no-op by their contract (PagerDuty resolving
     * an unknown dedup_key, Alertmanager): the only ones that get the resolve of an alert whose firing the
     * alerts topic's retention deleted.
     */
    private final Predicate<String> loneResolveIsNoOp;

    /** As below, no receiver taking a resolve whose firing retention deleted. */
    public AlertRouter(List<InhibitRule> inhibitRules, Supplier<Collection<Silence>> silences, List<String> groupBy,
                       Function<String, Duration> groupWaitPerReceiver, Consumer<Dispatch> deliver, MeterRegistry registry) {
        this(inhibitRules, silences, groupBy, groupWaitPerReceiver, deliver, registry, receiver -> false);
    }

    public AlertRouter(List<InhibitRule> inhibitRules, Supplier<Collection<Silence>> silences, List<String> groupBy,
                       Function<String, Duration> groupWaitPerReceiver, Consumer<Dispatch> deliver, MeterRegistry registry,
                       Predicate<String> loneResolveIsNoOp) {
        this.loneResolveIsNoOp = loneResolveIsNoOp;
        MuteStage inhibit = new MuteStage(new Inhibition(inhibitRules, firing::values), registry);
        MuteStage silence = new MuteStage(new Silencing(silences), registry);
        this.mutes = List.of(inhibit.mute(), silence.mute());
        this.groups = new AlertGroups(groupBy, groupWaitPerReceiver);
        this.delivery = new Delivery(groups, log, deliver, registry);
        this.pipeline = List.of(inhibit, silence, schedule, log, groups, delivery);
    }

    /** Runs the notices through every stage, in order; the last hands what is due to delivery. */
    private void route(List<Notice> notices, Instant now) {
        for (Stage stage : pipeline) {
            notices = stage.apply(notices, now);
        }
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
     * here, and its firing may have gone out: see {@link #accept} for where its resolve goes.
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
            if (muted(t, t.at())) {
                schedule.forget(t.fingerprint());
                log.forget(t.fingerprint());
            } else {
                rememberSent(t, t.at(), now);
            }
        } else {
            firing.remove(t.fingerprint());
            schedule.forget(t.fingerprint());
            log.forget(t.fingerprint());
            // The alerts this one inhibited went out when it resolved, on whichever instance owned them then.
            for (AlertTransition held : new ArrayList<>(firing.values())) {
                if (partitionOf.get(held.fingerprint()) == partition && !schedule.wasSent(held.fingerprint())
                        && !muted(held, t.at())) {
                    rememberSent(held, t.at(), now);
                }
            }
        }
    }

    /** {@code t} went out to all its receivers at {@code sentAt}, and repeated on its grid from there until {@code now}. */
    private void rememberSent(AlertTransition t, Instant sentAt, Instant now) {
        schedule.sentAt(t.fingerprint(), RepeatSchedule.lastOnGrid(sentAt, t.repeatInterval(), now));
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
            schedule.forget(t.fingerprint());
            Instant since = historySince.get(source.partition());
            if (!known && since != null && t.startsAt() != null && t.startsAt().isBefore(since)
                    && !muted(t, t.startsAt())) {
                // Its FIRING is older than the retained history, and no silence or inhibition known now held it
                // when it fired: it was probably sent. Per receiver it is a firing and its resolve, or nothing,
                // so the resolve goes only where one without its firing is a no-op by contract (PagerDuty,
                // Alertmanager), closing an incident that would otherwise stay open; never to email or a webhook.
                for (String receiver : t.receivers()) {
                    if (loneResolveIsNoOp.test(receiver)) {
                        log.sent(receiver, t);
                    }
                }
            }
            // Every firing that went out gets its resolve, muted or not now, saying what the firing said.
            route(List.of(Notice.of(t, source, alreadySent, true, null)), now);
            return;
        }
        firing.put(t.fingerprint(), t);
        alreadySent.forEach(receiver -> log.sent(receiver, t));
        Instant onGrid = RepeatSchedule.lastOnGrid(t.at(), t.repeatInterval(), now);
        if (!alreadySent.isEmpty()) {
            // It went out before (from the previous owner): muted now or not, it is not new when the mute ends.
            schedule.sentAt(t.fingerprint(), onGrid);
        }
        route(List.of(Notice.of(t, source, alreadySent, true, onGrid)), now);
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
        List<Notice> due = new ArrayList<>();
        for (AlertTransition t : firing.values()) {
            int partition = partitionOf.get(t.fingerprint());
            if (replaying.contains(partition)) {
                continue;
            }
            Instant last = schedule.last(t.fingerprint());
            if (last == null ? lookAtMuted : !now.isBefore(last.plus(t.repeatInterval()))) {
                Instant onGrid = last == null ? now : RepeatSchedule.sentLate(last, t.repeatInterval(), now);
                due.add(Notice.of(t, Source.repeatOn(partition), Set.of(), false, onGrid));
            }
        }
        route(due, now);
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
            delivery.dispatch(group);
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
        schedule.forgetAll(gone);
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

    /** Whether a mute held the alert at {@code at}. */
    private boolean muted(AlertTransition t, Instant at) {
        for (Mute mute : mutes) {
            if (mute.mutes(t, at)) {
                return true;
            }
        }
        return false;
    }
}
