package io.streamops.exporter.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.streamops.exporter.support.Json;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Which alerts-topic offsets the router may commit, and what it tells the next owner of a partition.
 * The committed offset is the lowest record still waiting in a group for any receiver: everything below
 * it has been handed to the durable delivery queue. Its metadata says, per receiver still waiting, from
 * which offset on that receiver has not been handed anything yet, and up to where the others have
 * everything ({@link Handed}). So an instance killed while an email group waits out its group_wait does
 * not make its successor page PagerDuty a second time for a firing it had already paged: the successor
 * re-reads from the committed offset, and gives each record only to the receivers that had not had it.
 * Single-threaded, like the router loop.
 */
final class RouterOffsets {
    /** The broker's default offset.metadata.max.bytes: a commit with more metadata is refused. */
    static final int MAX_METADATA_BYTES = 4096;

    /**
     * Every receiver has been handed every record below {@code upTo}, except that a receiver named in
     * {@code waiting} has been handed nothing from its offset there on.
     */
    record Handed(long upTo, Map<String, Long> waiting) {
        Handed {
            waiting = Map.copyOf(new TreeMap<>(waiting));
        }

        static final Handed NOTHING = new Handed(0, Map.of());

        boolean handedTo(String receiver, long offset) {
            return offset < upTo && offset < waiting.getOrDefault(receiver, Long.MAX_VALUE);
        }

        String toMetadata() {
            try {
                return Json.MAPPER.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** What an earlier owner committed; an empty or foreign metadata string says nothing was handed beyond the offset. */
        static Handed fromMetadata(String metadata) {
            if (metadata == null || metadata.isBlank()) {
                return NOTHING;
            }
            try {
                return Json.MAPPER.readValue(metadata, Handed.class);
            } catch (JsonProcessingException e) {
                return NOTHING;
            }
        }
    }

    /** What the previous owner of each partition had handed beyond its committed offset. */
    private final Map<TopicPartition, Handed> inherited = new HashMap<>();
    /** The offset after the last record accepted here, per partition. */
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();

    /** The group's committed position when a partition is assigned. */
    void assigned(TopicPartition tp, OffsetAndMetadata position) {
        committed.put(tp, position);
        inherited.put(tp, Handed.fromMetadata(position.metadata()));
    }

    void revoked(TopicPartition tp) {
        inherited.remove(tp);
        next.remove(tp);
        committed.remove(tp);
    }

    /** Of {@code receivers}, those the previous owner had already handed the record at {@code offset}. */
    Set<String> alreadyHanded(TopicPartition tp, long offset, Collection<String> receivers) {
        Handed handed = inherited.getOrDefault(tp, Handed.NOTHING);
        Set<String> out = new LinkedHashSet<>();
        for (String receiver : receivers) {
            if (handed.handedTo(receiver, offset)) {
                out.add(receiver);
            }
        }
        return out;
    }

    /** The record at {@code nextOffset - 1} went into the router. */
    void accepted(TopicPartition tp, long nextOffset) {
        next.put(tp, nextOffset);
    }

    /**
     * What to commit now, given the lowest offset still waiting per partition and receiver ({@code pending},
     * any receiver for null) and the receivers waiting per partition; only what changed since the last commit.
     */
    Map<TopicPartition, OffsetAndMetadata> toCommit(BiFunction<Integer, String, OptionalLong> pending,
                                                    Function<Integer, Set<String>> waitingReceivers) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        next.forEach((tp, upTo) -> {
            int partition = tp.partition();
            long offset = pending.apply(partition, null).orElse(upTo);
            Map<String, Long> waiting = new HashMap<>();
            for (String receiver : waitingReceivers.apply(partition)) {
                pending.apply(partition, receiver).ifPresent(from -> waiting.put(receiver, from));
            }
            Handed handed = new Handed(upTo, waiting);
            Handed before = inherited.getOrDefault(tp, Handed.NOTHING);
            if (before.upTo() > upTo) {
                // Not yet past what the previous owner had handed: keep telling the next one about it.
                Map<String, Long> merged = new HashMap<>(before.waiting());
                merged.putAll(waiting);
                handed = new Handed(before.upTo(), merged);
            }
            String metadata = handed.toMetadata();
            if (metadata.getBytes(StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
                // Leaving a waiting receiver out would say it had everything: say nothing instead, so the next
                // owner gives everything from the committed offset on to every receiver (again, for some).
                metadata = "";
            }
            OffsetAndMetadata position = new OffsetAndMetadata(offset, metadata);
            if (!position.equals(committed.get(tp))) {
                out.put(tp, position);
            }
        });
        return out;
    }

    /** The broker took these; they are not sent again. A failed commit is simply asked for again. */
    void committed(Map<TopicPartition, OffsetAndMetadata> positions) {
        committed.putAll(positions);
    }
}
