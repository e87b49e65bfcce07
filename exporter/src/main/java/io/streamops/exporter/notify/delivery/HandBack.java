package io.streamops.exporter.notify.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a {@link DeliveryQueue} holds back, unsent, of the partitions an instance gives up: each receiver's
 * undelivered notifications made only from them. Their records go to the partitions' next owner (through
 * the committed offsets), which makes and sends those notifications again; then they are withdrawn here,
 * so an instance started again on this data_dir does not send them a second time.
 */
public final class HandBack {
    private static final Logger LOG = LoggerFactory.getLogger(HandBack.class);

    /** Nothing held back. */
    public static final HandBack NONE = new HandBack(Map.of());

    /** One receiver's worker and what it holds. */
    record Held(ReceiverWorker worker, List<PendingDelivery> deliveries) {
    }

    private final Map<String, Held> byReceiver;

    HandBack(Map<String, Held> byReceiver) {
        this.byReceiver = Map.copyOf(byReceiver);
    }

    /**
     * Per partition, per receiver: the offsets of the records whose notifications that receiver has not had.
     * Repeats are not among them: the next owner repeats a firing alert on its own schedule.
     */
    public Map<Integer, Map<String, SortedSet<Long>>> records() {
        Map<Integer, Map<String, SortedSet<Long>>> out = new TreeMap<>();
        byReceiver.forEach((receiver, held) -> {
            for (PendingDelivery delivery : held.deliveries()) {
                for (Origin origin : delivery.origins()) {
                    if (origin.isRecord()) {
                        out.computeIfAbsent(origin.partition(), p -> new TreeMap<>())
                                .computeIfAbsent(receiver, r -> new TreeSet<>()).add(origin.offset());
                    }
                }
            }
        });
        return out;
    }

    public boolean isEmpty() {
        return byReceiver.values().stream().allMatch(held -> held.deliveries().isEmpty());
    }

    /** Their next owner has been told: drop them here, from memory and disk. */
    public void withdraw() {
        byReceiver.forEach((receiver, held) -> {
            held.worker().withdraw(held.deliveries());
            if (!held.deliveries().isEmpty()) {
                LOG.info("receiver {}: {} undelivered notifications handed to the next owner of their partitions",
                        receiver, held.deliveries().size());
            }
        });
    }

    /** Their next owner could not be told: send them from here after all (when this data_dir starts again, if not sooner). */
    public void keep() {
        byReceiver.values().forEach(held -> held.worker().release());
    }
}
