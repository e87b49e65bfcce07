package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.delivery.DeliveryQueue;
import io.streamops.exporter.notify.delivery.HandBack;
import io.streamops.exporter.support.Json;
import io.streamops.exporter.support.LogLimiter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Feeds the alerts topic through the {@link AlertRouter}. Offsets are committed up to the transitions
 * that have left their group for the durable delivery queue, with what each receiver had been handed
 * beyond that ({@link RouterOffsets}), so an instance lost mid-group loses nothing and its successor,
 * re-reading from the last commit, gives each receiver only what it had not had. On taking over a
 * partition it first re-reads its history up to the committed offset without notifying, to know what
 * fires; the router repeats nothing of that partition until the re-read is done. On giving a partition
 * up cleanly it sends what waits in the partition's groups, lets the delivery queue send what it holds of
 * the partition for a few seconds, gives back what is still undelivered (a receiver is down) to the next
 * owner through the commit, withdraws it from the queue once the commit is taken, and forgets the
 * partition's alerts: a scale-in leaves no page in a data_dir that may never start again.
 * Partitions move one by one (cooperative rebalancing), so a rebalance leaves the others routing.
 */
public final class RouterLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterLoop.class);

    private final LogLimiter routingFailures = new LogLimiter(LOG);
    private final KafkaConsumer<String, byte[]> consumer;
    private final AlertRouter router;
    private final Clock clock;
    private final String topic;
    private final Thread thread;
    /** Per partition: offsets below this were handled by this group before (history), from it on they are new. */
    private final Map<TopicPartition, Long> handledUpTo = new HashMap<>();
    /** Partitions assigned whose first record (from the beginning of what the topic retains) is not read yet. */
    private final java.util.Set<TopicPartition> firstRecordToCome = new HashSet<>();
    private final RouterOffsets offsets = new RouterOffsets();
    private final OwnerActions owner;
    /** The durable delivery queue, to give back what it holds of partitions given up; null if there is none to ask. */
    private final DeliveryQueue deliveries;
    private int partitionCount;
    private volatile boolean running = true;
    /** When the loop last came back from a poll, on {@link #clock}: what /healthz looks at. */
    private volatile long lastPollMillis;
    /** Kafka takes a consumer out of its group after this long without a poll (default 5 min); so does /healthz. */
    private final long maxPollIntervalMillis;

    /**
     * What else acts on the alerts of the jobs whose partitions this instance owns (the restart
     * controller): called on the router thread, outside the router's lock.
     */
    public interface OwnerActions {
        OwnerActions NONE = new OwnerActions() {
        };

        /** Partitions were assigned: read what other instances left, before acting on the jobs they bring. */
        default void assigned() {
        }

        /** As {@link #assigned()}, naming them; {@code partitionOf} says which partition a job's alerts are on. */
        default void assigned(Collection<Integer> partitions, java.util.function.ToIntFunction<String> partitionOf) {
            assigned();
        }

        /**
         * Partitions are being given up, or were lost: stop acting on their jobs, and return once what was under
         * way for them is done (bounded), before the router commits and the next owner starts.
         */
        default void revoked(Collection<Integer> partitions) {
        }

        /** A transition of an owned partition not handled before (never replayed history). */
        default void fresh(AlertTransition transition) {
        }

        /** Once per loop pass; {@code ownsJob} says whether this instance owns a job's alerts now. */
        default void pass(java.util.function.Predicate<String> ownsJob) {
        }
    }

    public RouterLoop(Properties kafka, String groupId, String topic, AlertRouter router, Clock clock) {
        this(kafka, groupId, topic, router, clock, OwnerActions.NONE);
    }

    public RouterLoop(Properties kafka, String groupId, String topic, AlertRouter router, Clock clock, OwnerActions owner) {
        this(kafka, groupId, topic, router, clock, owner, null);
    }

    /**
     * @param deliveries the queue the router's dispatches go to, with their origins
     *                   ({@link Dispatch#origins}): what it could not deliver of a partition given up goes to
     *                   the partition's next owner instead of staying in this instance's data_dir
     */
    public RouterLoop(Properties kafka, String groupId, String topic, AlertRouter router, Clock clock, OwnerActions owner,
                      DeliveryQueue deliveries) {
        this.owner = owner;
        this.deliveries = deliveries;
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.maxPollIntervalMillis = Long.parseLong(String.valueOf(p.getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                300_000)));
        this.router = router;
        this.clock = clock;
        this.topic = topic;
        this.thread = new Thread(this::run, "exporter-router");
        this.thread.setDaemon(true);
    }

    public RouterLoop start() {
        lastPollMillis = clock.millis();
        thread.start();
        return this;
    }

    private void run() {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                handOver(partitions);
                Set<Integer> undelivered;
                synchronized (router) {
                    undelivered = router.handOver(numbers(partitions), clock.instant());
                }
                HandBack handBack = giveBack(partitions);
                // At the lowest offset still waiting in an undelivered group, or given back: the new owner sends
                // it. The last chance to say where this instance got to: once more if the broker did not take it.
                if (commit() || commit()) {
                    handBack.withdraw();
                } else {
                    handBack.keep();
                    LOG.error("alert routing: could not commit the offsets of {} before handing them over: their new owner "
                            + "re-reads from the previous commit and may notify again what was sent since; what the "
                            + "delivery queue could not deliver of them stays in this instance's data_dir", partitions);
                }
                synchronized (router) {
                    router.drop(undelivered);
                }
                forget(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                // Another instance owns them already: send nothing more for them, commit nothing.
                handOver(partitions);
                synchronized (router) {
                    router.drop(numbers(partitions));
                }
                forget(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (partitions.isEmpty()) {
                    return;
                }
                Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(partitions);
                List<Integer> withHistory = new java.util.ArrayList<>();
                for (TopicPartition tp : partitions) {
                    OffsetAndMetadata c = committed.get(tp);
                    handledUpTo.put(tp, c == null ? 0L : c.offset());
                    if (c != null) {
                        offsets.assigned(tp, c);
                        if (c.offset() > 0) {
                            withHistory.add(tp.partition());
                        }
                    }
                }
                synchronized (router) {
                    router.replaying(withHistory);
                }
                // Retention deleted a partition's oldest records if its log no longer begins at 0. (The first
                // record's offset is no sign: an aborted first transaction, or its marker, takes offsets too.)
                consumer.beginningOffsets(partitions).forEach((tp, beginning) -> {
                    if (beginning > 0) {
                        firstRecordToCome.add(tp);
                    }
                });
                consumer.seekToBeginning(partitions);
                partitionCount = consumer.partitionsFor(topic).size();
                try {
                    owner.assigned(numbers(partitions), RouterLoop.this::partitionOf);
                } catch (RuntimeException e) {
                    LOG.warn("alert routing: acting on the assigned partitions failed: {}", e.toString());
                }
            }
        });
        try {
            while (running) {
                try {
                    ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofMillis(100));
                    lastPollMillis = clock.millis();
                    for (ConsumerRecord<String, byte[]> r : polled) {
                        handle(r);
                    }
                    markCaughtUp();
                    synchronized (router) {
                        router.tick(clock.instant());
                    }
                    owner.pass(this::ownsJob);
                    commit();
                } catch (WakeupException | InterruptException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A slow or restarting broker must not end routing: log, and poll again.
                    LOG.warn("alert routing: {}; retrying", e.toString());
                }
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5)); // revokes (hands over) what it owns and leaves the group
        }
    }

    private void handOver(Collection<TopicPartition> partitions) {
        try {
            owner.revoked(numbers(partitions));
        } catch (RuntimeException e) {
            LOG.warn("alert routing: stopping the work on the revoked partitions failed: {}", e.toString());
        }
    }

    /**
     * What the delivery queue could not deliver of the partitions given up, named in the next commit for their
     * next owner to send; kept here instead if a partition cannot carry it.
     */
    private HandBack giveBack(Collection<TopicPartition> partitions) {
        if (deliveries == null) {
            return HandBack.NONE;
        }
        HandBack handBack = deliveries.handBack(topic, numbers(partitions));
        Map<Integer, Map<String, java.util.SortedSet<Long>>> records = handBack.records();
        if (!records.keySet().stream().allMatch(p -> offsets.canReturn(new TopicPartition(topic, p)))) {
            LOG.warn("alert routing: undelivered notifications of {} stay in this instance's data_dir: nothing of their "
                    + "partitions was read or committed here", records.keySet());
            handBack.keep();
            return HandBack.NONE;
        }
        records.forEach((partition, byReceiver) -> offsets.returned(new TopicPartition(topic, partition), byReceiver));
        return handBack;
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toList();
    }

    private void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(handledUpTo::remove);
        firstRecordToCome.removeAll(partitions);
        partitions.forEach(offsets::revoked);
    }

    /**
     * Where this group left off on the partitions just assigned. Retried until the broker answers: guessing
     * (re-sending all history, or skipping it) would send pages twice or lose them.
     */
    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(Collection<TopicPartition> partitions) {
        while (true) {
            try {
                return consumer.committed(new HashSet<>(partitions), Duration.ofSeconds(30));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("alert routing: committed offsets not available yet ({}); asking again", e.getMessage());
            }
        }
    }

    /** A partition whose history ends in transaction markers (or nothing new) is caught up once its position passes them. */
    private void markCaughtUp() {
        for (Map.Entry<TopicPartition, Long> e : handledUpTo.entrySet()) {
            int partition = e.getKey().partition();
            boolean replaying;
            synchronized (router) {
                replaying = router.isReplaying(partition);
            }
            if (replaying && consumer.position(e.getKey(), Duration.ofSeconds(5)) >= e.getValue()) {
                synchronized (router) {
                    router.caughtUp(partition);
                }
            }
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        AlertTransition t;
        try {
            t = Json.MAPPER.readValue(r.value(), AlertTransition.class);
        } catch (Exception e) {
            LOG.warn("skipped an unreadable alert transition at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return;
        }
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        long handled = handledUpTo.getOrDefault(tp, 0L);
        synchronized (router) {
            Instant now = clock.instant();
            if (firstRecordToCome.remove(tp)) {
                router.historyStartsAt(r.partition(), t.at()); // retention deleted the records before it
            }
            if (r.offset() < handled) {
                router.remember(t, r.partition(), now); // history: sent before (by us or by the instance we took over from)
                return;
            }
            router.caughtUp(r.partition());
            try {
                router.accept(t, new Source(r.partition(), r.offset()), offsets.alreadyHanded(tp, r.offset(), t.receivers()), now);
            } catch (RuntimeException e) {
                // Our own bug on one transition must not skip the rest of the poll or stop commits.
                routingFailures.warn(e, "could not route the alert transition at {}-{}@{} ({}): {}",
                        r.topic(), r.partition(), r.offset(), t.fingerprint(), e.toString());
            }
            handledUpTo.put(tp, r.offset() + 1);
            offsets.accepted(tp, r.offset() + 1);
        }
        if (offsets.acceptedBefore(tp, r.offset())) {
            return; // re-read only for what was waiting or given back: the previous owner acted on it as new already
        }
        try {
            owner.fresh(t);
        } catch (RuntimeException e) {
            routingFailures.warn(e, "could not act on the alert transition at {}-{}@{} ({}): {}",
                    r.topic(), r.partition(), r.offset(), t.fingerprint(), e.toString());
        }
    }

    /**
     * Whether the job's alerts are on a partition this instance owns and has caught up on: transitions are
     * keyed by job, so the producer's default partitioner (murmur2 of the key) says which partition.
     */
    private boolean ownsJob(String job) {
        if (partitionCount == 0) {
            return false;
        }
        int partition = partitionOf(job);
        if (!handledUpTo.containsKey(new TopicPartition(topic, partition))) {
            return false;
        }
        synchronized (router) {
            return !router.isReplaying(partition);
        }
    }

    /** The partition of the job's alerts (call once partitionCount is known). */
    private int partitionOf(String job) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(job.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitionCount;
    }

    /** @return whether the broker has every position this instance got to (false: asked for again next pass) */
    private boolean commit() {
        Map<TopicPartition, OffsetAndMetadata> ready;
        synchronized (router) {
            ready = offsets.toCommit(router::pendingFrom, router::receiversWaiting);
        }
        if (ready.isEmpty()) {
            return true; // nothing new since the last commit: no round trip to the broker every poll
        }
        try {
            consumer.commitSync(ready);
            offsets.committed(ready);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("could not commit router offsets: {}", e.toString());
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(20_000); // the consumer's close gives partitions up: a drain of the delivery queue and commits
    }

    /**
     * Why alert routing is not working, for /healthz: its thread died (an error our code did not catch),
     * or it has not come back from a poll for longer than Kafka's {@code max.poll.interval.ms}, after which
     * the group has taken its partitions away. Empty while healthy, and before the start and after the close.
     */
    public Optional<String> problem() {
        if (!running || thread.getState() == Thread.State.NEW) {
            return Optional.empty();
        }
        if (!thread.isAlive()) {
            return Optional.of("the alert router thread has stopped");
        }
        long since = clock.millis() - lastPollMillis;
        return since > maxPollIntervalMillis
                ? Optional.of("the alert router has not polled Kafka for " + since / 1000 + " s") : Optional.empty();
    }

    /** Firing alerts known to this instance. */
    public List<AlertTransition> firing() {
        synchronized (router) {
            return router.firing();
        }
    }
}
