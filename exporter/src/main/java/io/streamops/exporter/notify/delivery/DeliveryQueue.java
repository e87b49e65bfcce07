package io.streamops.exporter.notify.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.support.LogLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Delivers notifications to their receivers, retrying with back-off, without ever making the caller
 * wait for a channel, and without losing anything across a restart.
 *
 * <ul>
 *   <li>{@link #submit} writes the notification to the directory (one JSON file per pending
 *       delivery) and returns; each receiver's own thread sends it.</li>
 *   <li>Each receiver sends in submission order and retries per its {@link RetryPolicy}; a receiver
 *       that is down or hangs delays no other.</li>
 *   <li>A file is deleted when its notification is delivered, rejected or given up. A new queue on
 *       the same directory sends whatever the previous one left.</li>
 *   <li>What was made from alerts-topic partitions this instance gives up, and is not delivered within the
 *       drain period, can be handed back ({@link #handBack}) for their next owner to send, so that a
 *       scale-in while a receiver is down leaves nothing in a data_dir that may never start again.</li>
 * </ul>
 *
 * <p>Metrics: see {@link DeliveryMetrics} ({@code streamops.exporter.notifications.*}).
 */
public final class DeliveryQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryQueue.class);
    /** How long close() lets a send in progress finish before interrupting it. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    /**
     * How long close() lets what is pending go out by default, and {@link #handBack} what it holds of the
     * partitions given up. The router commits its offsets once a notification is queued here, so what
     * neither sends nor hands back is sent only when an exporter starts again on this data_dir: a few
     * seconds get the usual case (a page queued just before SIGTERM) out now.
     */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(5);

    private final DeliveryStore store;
    private final Clock clock;
    private final Map<String, ReceiverWorker> workers = new LinkedHashMap<>();
    private final MeterRegistry registry;
    private final LogLimiter unroutableLog = new LogLimiter(LOG);
    private final Duration drainOnClose;
    private boolean closed; // guarded by this

    public DeliveryQueue(Path directory, Collection<Receiver> receivers, MeterRegistry registry) {
        this(directory, receivers, registry, Clock.systemUTC());
    }

    /**
     * Opens (and locks) {@code directory}, loads what a previous queue left there and starts one
     * thread per receiver.
     *
     * @throws IllegalArgumentException if two receivers have the same name
     * @throws IllegalStateException    if another queue holds the directory
     */
    public DeliveryQueue(Path directory, Collection<Receiver> receivers, MeterRegistry registry, Clock clock) {
        this(directory, receivers, registry, clock, DEFAULT_DRAIN);
    }

    /**
     * As above; {@code drainOnClose} is how long {@link #close()} lets pending notifications go out
     * before it stops the receivers' threads (what is left stays on disk for the next queue).
     */
    public DeliveryQueue(Path directory, Collection<Receiver> receivers, MeterRegistry registry, Clock clock, Duration drainOnClose) {
        this.drainOnClose = drainOnClose;
        Set<String> names = new TreeSet<>();
        for (Receiver receiver : receivers) {
            if (!names.add(receiver.name())) {
                throw new IllegalArgumentException("duplicate receiver name: " + receiver.name());
            }
        }
        this.clock = clock;
        this.registry = registry;
        this.store = DeliveryStore.open(directory);
        try {
            for (Receiver receiver : receivers) {
                workers.put(receiver.name(), new ReceiverWorker(receiver, store, registry, clock));
            }
            resumePending();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        workers.values().forEach(ReceiverWorker::start);
    }

    /**
     * Hands what a previous queue left to the workers. Each is due at once, whatever its back-off said:
     * a restart is often how a fixed configuration (a new password, a corrected URL) arrives.
     */
    private void resumePending() {
        Set<String> unknown = new TreeSet<>();
        int resumed = 0;
        for (PendingDelivery delivery : store.loadAll()) {
            ReceiverWorker worker = workers.get(delivery.receiver());
            if (worker == null) {
                unknown.add(delivery.receiver()); // kept on disk: the receiver may be configured again
            } else {
                worker.enqueue(delivery.dueBy(clock.instant()));
                resumed++;
            }
        }
        if (resumed > 0) {
            LOG.info("resuming {} pending notifications", resumed);
        }
        if (!unknown.isEmpty()) {
            LOG.warn("pending notifications for receivers that are no longer configured are left on disk: {}", unknown);
        }
    }

    /**
     * Queues a notification for its receiver and returns at once. The only work done on the caller's
     * thread is writing one small file, so that from now on the notification survives a restart.
     *
     * <p>A notification for a receiver that is not configured is dropped, counted in
     * {@code streamops_exporter_notifications_unroutable_total{receiver}} and logged. Rules are checked
     * against the receivers at start and on reload, so this is a transition from before a config change,
     * read back from the alerts topic; throwing would stop the router on it.
     *
     * <p>Its origins are not known: it is never {@linkplain #handBack handed back}, only sent from here.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void submit(Notification notification) {
        submit(notification, null);
    }

    /**
     * As {@link #submit(Notification)}, with the alerts-topic records (and repeated alerts) the notification
     * was made from: it can be {@linkplain #handBack handed back} when their partitions move away.
     */
    public synchronized void submit(Notification notification, List<Origin> origins) {
        if (closed) {
            throw new IllegalStateException("delivery queue is closed");
        }
        ReceiverWorker worker = workers.get(notification.receiver());
        if (worker == null) {
            Counter.builder("streamops.exporter.notifications.unroutable")
                    .description("Notifications for receivers that are not configured (dropped)")
                    .tag("receiver", notification.receiver()).register(registry).increment();
            unroutableLog.warn(null, "dropped a notification for receiver '{}', which is not configured (group {})",
                    notification.receiver(), notification.groupKey());
            return;
        }
        PendingDelivery delivery = store.newDelivery(notification, origins, clock.instant());
        try {
            store.save(delivery);
        } catch (UncheckedIOException e) {
            // Better sent without durability than not at all: a full disk must not silence alerts.
            LOG.error("cannot persist a notification for receiver {}, delivering it from memory only: {}",
                    notification.receiver(), e.getCause().toString());
        }
        worker.enqueue(delivery);
    }

    /** Notifications waiting for {@code receiver}, including the one being sent. */
    public int pending(String receiver) {
        ReceiverWorker worker = workers.get(receiver);
        return worker == null ? 0 : worker.pending();
    }

    /**
     * The partitions {@code partitions} of {@code topic} move to another instance: lets what was made only from
     * them go out for up to the drain period (less once every receiver still holding some is waiting out a
     * back-off), then holds what is left of it, unsent, for the caller to hand to their next owner: the
     * caller commits that the next owner is to make it again ({@link HandBack#records()}), then
     * {@linkplain HandBack#withdraw() withdraws} it here, or {@linkplain HandBack#keep() keeps} it if the
     * commit failed. A notification with an alert from elsewhere, or of unknown origin, stays here.
     * Call from the thread that submits, so nothing of those partitions is submitted meanwhile.
     */
    public HandBack handBack(String topic, Collection<Integer> partitions) {
        synchronized (this) {
            if (closed) {
                return HandBack.NONE;
            }
        }
        Set<Integer> given = Set.copyOf(partitions);
        Predicate<PendingDelivery> onlyFromThem = delivery -> delivery.onlyFrom(topic, given);
        long deadline = System.nanoTime() + drainOnClose.toNanos();
        workers.values().forEach(worker -> worker.awaitSettled(onlyFromThem, deadline));
        Map<String, HandBack.Held> held = new LinkedHashMap<>();
        workers.forEach((name, worker) -> held.put(name, new HandBack.Held(worker, worker.hold(onlyFromThem, deadline))));
        return new HandBack(held);
    }

    /** The configured receiver names. */
    public Set<String> receivers() {
        return Set.copyOf(workers.keySet());
    }

    /**
     * Takes no more notifications, lets the pending ones go out for up to the drain period, then stops
     * the receivers' threads (a send in progress gets a few seconds more) and releases the directory.
     * Everything not delivered by then stays on disk, and the next queue on this directory sends it.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long drainDeadline = System.nanoTime() + drainOnClose.toNanos();
        for (Map.Entry<String, ReceiverWorker> worker : workers.entrySet()) {
            if (!worker.getValue().awaitDrained(drainDeadline)) {
                LOG.info("receiver {}: {} notifications not delivered within {} ms of the stop; kept in {} for the next start",
                        worker.getKey(), worker.getValue().pending(), drainOnClose.toMillis(), store);
            }
        }
        // All at once: a hanging channel costs the grace period once, not once per receiver.
        workers.values().forEach(ReceiverWorker::requestStop);
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        workers.values().forEach(worker -> worker.awaitStop(deadline));
        store.close();
    }
}
