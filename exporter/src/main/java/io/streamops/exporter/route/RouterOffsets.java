package io.streamops.exporter.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.streamops.exporter.support.Json;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * An instance giving a partition up also gives back what its delivery queue could not deliver of it
 * ({@link #returned}): the committed offset goes down to the oldest such record, and the metadata names
 * them per receiver, so the next owner hands exactly those again, to exactly those receivers.
 * Single-threaded, like the router loop.
 */
final class RouterOffsets {
    /** The broker's default offset.metadata.max.bytes: a commit with more metadata is refused. */
    static final int MAX_METADATA_BYTES = 4096;

    /**
     * Every receiver has been handed every record below {@code upTo}, except that a receiver named in
     * {@code waiting} has been handed nothing from its offset there on, and one named in {@code returned}
     * not the records listed there (its previous owner gave them back undelivered). Metadata committed
     * before {@code returned} existed reads as none returned.
     */
    record Handed(long upTo, Map<String, Long> waiting, Map<String, List<Long>> returned) {
        Handed {
            waiting = Map.copyOf(new TreeMap<>(waiting));
            Map<String, List<Long>> sorted = new TreeMap<>();
            if (returned != null) {
                returned.forEach((receiver, offsets) -> sorted.put(receiver, List.copyOf(new TreeSet<>(offsets))));
            }
            returned = Map.copyOf(sorted);
        }

        Handed(long upTo, Map<String, Long> waiting) {
            this(upTo, waiting, Map.of());
        }

        static final Handed NOTHING = new Handed(0, Map.of());

        boolean handedTo(String receiver, long offset) {
            return offset < upTo && offset < waiting.getOrDefault(receiver, Long.MAX_VALUE)
                    && !returned.getOrDefault(receiver, List.of()).contains(offset);
        }

        /** As this, the returned records folded into {@code waiting}: shorter, and each receiver may get more again. */
        Handed returnedAsWaiting() {
            Map<String, Long> folded = new HashMap<>(waiting);
            returned.forEach((receiver, offsets) -> folded.merge(receiver, offsets.get(0), Math::min));
            return new Handed(upTo, folded);
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
    /** Per partition being given up, per receiver: records whose notifications the delivery queue gives back. */
    private final Map<TopicPartition, Map<String, SortedSet<Long>>> returned = new HashMap<>();

    /** The group's committed position when a partition is assigned. */
    void assigned(TopicPartition tp, OffsetAndMetadata position) {
        committed.put(tp, position);
        inherited.put(tp, Handed.fromMetadata(position.metadata()));
    }

    void revoked(TopicPartition tp) {
        inherited.remove(tp);
        next.remove(tp);
        committed.remove(tp);
        returned.remove(tp);
    }

    /**
     * Whether the previous owner accepted the record at {@code offset} already (and acted on it as new): it is
     * re-read here only because something of it or after it was still waiting, or was given back.
     */
    boolean acceptedBefore(TopicPartition tp, long offset) {
        return offset < inherited.getOrDefault(tp, Handed.NOTHING).upTo();
    }

    /**
     * The partition is being given up, and these records' notifications are given back undelivered, per
     * receiver: the next commit tells the next owner to hand them to those receivers again. Only for a
     * partition that {@link #canReturn}.
     */
    void returned(TopicPartition tp, Map<String, SortedSet<Long>> offsetsByReceiver) {
        Map<String, SortedSet<Long>> mine = returned.computeIfAbsent(tp, t -> new HashMap<>());
        offsetsByReceiver.forEach((receiver, offsets) -> mine.computeIfAbsent(receiver, r -> new TreeSet<>()).addAll(offsets));
    }

    /**
     * Whether records of the partition can be given back: something of it was read or committed here. (If
     * not, they are not this partition's as it is now, the topic having been made again, say.)
     */
    boolean canReturn(TopicPartition tp) {
        return next.containsKey(tp) || committed.containsKey(tp);
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
        // A partition only re-read here (nothing accepted) may still give back what this data_dir held of it.
        Set<TopicPartition> partitions = new HashSet<>(next.keySet());
        partitions.addAll(returned.keySet());
        for (TopicPartition tp : partitions) {
            int partition = tp.partition();
            long accepted = next.containsKey(tp) ? next.get(tp) : committed.get(tp).offset();
            long offset = pending.apply(partition, null).orElse(accepted);
            Map<String, Long> waiting = new HashMap<>();
            for (String receiver : waitingReceivers.apply(partition)) {
                pending.apply(partition, receiver).ifPresent(from -> waiting.put(receiver, from));
            }
            Map<String, SortedSet<Long>> given = new HashMap<>();
            returned.getOrDefault(tp, Map.of()).forEach((receiver, offsets) -> given.put(receiver, new TreeSet<>(offsets)));
            long upTo = accepted;
            Handed before = inherited.getOrDefault(tp, Handed.NOTHING);
            if (before.upTo() > accepted) {
                // Not yet past what the previous owner had handed: keep telling the next one about it, and about
                // what it gave back that was not re-read here yet.
                before.waiting().forEach(waiting::putIfAbsent);
                before.returned().forEach((receiver, offsets) -> offsets.stream().filter(o -> o >= accepted)
                        .forEach(o -> given.computeIfAbsent(receiver, r -> new TreeSet<>()).add(o)));
                upTo = before.upTo();
            }
            Map<String, List<Long>> givenBack = new HashMap<>();
            for (Map.Entry<String, SortedSet<Long>> e : given.entrySet()) {
                givenBack.put(e.getKey(), List.copyOf(e.getValue()));
                offset = Math.min(offset, e.getValue().first()); // the next owner re-reads from the oldest given back
            }
            OffsetAndMetadata position = new OffsetAndMetadata(offset, metadataFor(new Handed(upTo, waiting, givenBack)));
            if (!position.equals(committed.get(tp))) {
                out.put(tp, position);
            }
        }
        return out;
    }

    /**
     * The metadata saying {@code handed}, within the broker's limit: if naming each record given back is too
     * long, each receiver that was given some back gets everything again from its oldest; if even that is too
     * long, nothing is said, and the next owner gives everything from the committed offset to every receiver
     * (again, for some). Leaving a receiver out would say it had everything.
     */
    private static String metadataFor(Handed handed) {
        for (Handed said : List.of(handed, handed.returnedAsWaiting())) {
            String metadata = said.toMetadata();
            if (metadata.getBytes(StandardCharsets.UTF_8).length <= MAX_METADATA_BYTES) {
                return metadata;
            }
        }
        return "";
    }

    /** The broker took these; they are not sent again. A failed commit is simply asked for again. */
    void committed(Map<TopicPartition, OffsetAndMetadata> positions) {
        committed.putAll(positions);
    }
}
