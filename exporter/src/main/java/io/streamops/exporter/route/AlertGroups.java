package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Alerts waiting out their receiver's group_wait, one group per receiver and {@code group_by} values.
 * A group leaves only once it has been handed to delivery ({@link #delivered}): until then it stays,
 * and the offsets of what it holds stay uncommitted ({@link #oldestOffset}). As a stage, it puts each
 * notice into its receivers' groups.
 */
final class AlertGroups implements Stage {
    /** A group waiting: what it holds by fingerprint, and where each came from. */
    static final class Group {
        final String key;
        final String receiver;
        final Instant created;
        final Instant due;
        final Map<String, AlertTransition> alerts = new LinkedHashMap<>();
        final Map<String, Source> sources = new LinkedHashMap<>();

        private Group(String key, String receiver, Instant created, Instant due) {
            this.key = key;
            this.receiver = receiver;
            this.created = created;
            this.due = due;
        }

        Dispatch dispatch() {
            List<AlertTransition> list = new ArrayList<>(alerts.values());
            boolean anyFiring = list.stream().anyMatch(a -> a.phase() == AlertPhase.FIRING);
            List<Source> from = list.stream().map(a -> sources.get(a.fingerprint())).toList();
            return new Dispatch(receiver, key, anyFiring ? AlertPhase.FIRING : AlertPhase.RESOLVED, list, from);
        }
    }

    private final List<String> groupBy;
    private final Function<String, Duration> groupWait;
    private final Map<String, Group> groups = new LinkedHashMap<>();

    AlertGroups(List<String> groupBy, Function<String, Duration> groupWaitPerReceiver) {
        this.groupBy = List.copyOf(groupBy);
        this.groupWait = groupWaitPerReceiver;
    }

    @Override
    public List<Notice> apply(List<Notice> notices, Instant now) {
        for (Notice notice : notices) {
            notice.receivers().forEach((receiver, alert) -> add(receiver, alert, notice.source(), now));
            if (!notice.firing()) {
                // A firing never sent to a receiver (muted, or still waiting in the group with it): the
                // receiver hears of neither.
                notice.alert().receivers().forEach(receiver -> withdrawFiring(receiver, notice.alert()));
            }
        }
        return notices;
    }

    /** Puts the alert into {@code receiver}'s group, replacing what that group held for the same alert. */
    void add(String receiver, AlertTransition alert, Source source, Instant now) {
        Group group = groups.computeIfAbsent(keyOf(receiver, alert),
                k -> new Group(k, receiver, now, now.plus(groupWait.apply(receiver))));
        group.alerts.put(alert.fingerprint(), alert);
        group.sources.put(alert.fingerprint(), source);
    }

    /** Takes a firing that has not gone out yet back out of {@code receiver}'s group; true if there was one. */
    boolean withdrawFiring(String receiver, AlertTransition alert) {
        Group group = groups.get(keyOf(receiver, alert));
        AlertTransition held = group == null ? null : group.alerts.get(alert.fingerprint());
        if (held == null || held.phase() != AlertPhase.FIRING) {
            return false;
        }
        group.alerts.remove(alert.fingerprint());
        group.sources.remove(alert.fingerprint());
        if (group.alerts.isEmpty()) {
            groups.remove(group.key);
        }
        return true;
    }

    /** Groups whose wait is over at {@code now}. */
    List<Group> due(Instant now) {
        return groups.values().stream().filter(g -> !now.isBefore(g.due)).toList();
    }

    /** Groups holding an alert of one of {@code partitions}, due or not. */
    List<Group> holding(Collection<Integer> partitions) {
        return groups.values().stream().filter(g -> g.sources.values().stream().anyMatch(s -> partitions.contains(s.partition()))).toList();
    }

    void delivered(Group group) {
        groups.remove(group.key);
    }

    /** Drops what the groups hold of {@code partitions} (another instance owns them now). */
    void drop(Collection<Integer> partitions) {
        for (Group group : List.copyOf(groups.values())) {
            group.sources.entrySet().removeIf(e -> {
                boolean gone = partitions.contains(e.getValue().partition());
                if (gone) {
                    group.alerts.remove(e.getKey());
                }
                return gone;
            });
            if (group.alerts.isEmpty()) {
                groups.remove(group.key);
            }
        }
    }

    /**
     * The lowest offset of {@code partition} still waiting in a group (of {@code receiver}'s, or of any
     * receiver's if null): every record of the partition below it has been handed to delivery.
     */
    OptionalLong oldestOffset(int partition, String receiver) {
        return groups.values().stream().filter(g -> receiver == null || g.receiver.equals(receiver))
                .flatMap(g -> g.sources.values().stream())
                .filter(s -> s.partition() == partition && s.isRecord()).mapToLong(Source::offset).min();
    }

    /** The receivers with something of {@code partition} waiting. */
    Set<String> receiversWaiting(int partition) {
        Set<String> out = new TreeSet<>();
        for (Group g : groups.values()) {
            if (g.sources.values().stream().anyMatch(s -> s.partition() == partition && s.isRecord())) {
                out.add(g.receiver);
            }
        }
        return out;
    }

    /** When the oldest group still waiting began, if any. */
    Optional<Instant> oldestSince() {
        return groups.values().stream().map(g -> g.created).min(Comparator.naturalOrder());
    }

    private String keyOf(String receiver, AlertTransition t) {
        StringBuilder key = new StringBuilder(receiver).append('{');
        for (String label : groupBy) {
            key.append(label).append('=').append(t.labels().getOrDefault(label, "")).append(',');
        }
        return key.append('}').toString();
    }
}
