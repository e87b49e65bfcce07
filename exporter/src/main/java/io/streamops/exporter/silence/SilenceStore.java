package io.streamops.exporter.silence;

import io.streamops.exporter.support.Json;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Silences, shared by every exporter instance through a compacted topic (key: silence id; a null value
 * deletes). Each instance reads the whole topic, so a silence made through one instance's API mutes on
 * all of them.
 */
public final class SilenceStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SilenceStore.class);

    private final String topic;
    private final KafkaProducer<String, String> producer;
    private final Map<String, Silence> silences = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    /** The silences topic as it has to be created: one partition, compacted (the latest record per silence id). */
    public static NewTopic topicSpec(String topic) {
        return new NewTopic(topic, 1, (short) -1).configs(Map.of("cleanup.policy", "compact"));
    }

    /** @param topic a topic made as {@link #topicSpec} says */
    public SilenceStore(Properties kafka, String topic) {
        this.topic = topic;
        Properties p = new Properties();
        p.putAll(kafka);
        p.put("acks", "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        reader = new Thread(() -> read(kafka), "exporter-silences");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Properties kafka) {
        Properties p = new Properties();
        p.putAll(kafka);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (r.value() == null) {
                            silences.remove(r.key());
                        } else {
                            silences.put(r.key(), Json.MAPPER.readValue(r.value(), Silence.class));
                        }
                    } catch (Exception e) {
                        LOG.warn("skipped an unreadable silence {} at offset {}: {}", r.key(), r.offset(), e.getMessage());
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // closing
        }
    }

    /** Silences that have not ended yet. */
    public Collection<Silence> current(Instant now) {
        List<Silence> out = new ArrayList<>();
        for (Silence s : silences.values()) {
            if (s.endsAt().isAfter(now)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Stores a new silence for every instance.
     *
     * @throws IllegalArgumentException when {@link SilenceLimits#MAX_SILENCES} have not ended at {@code now}:
     *                                  each is matched against every alert on the router's thread
     */
    public Silence add(Silence silence, Instant now) throws Exception {
        checkRoom(current(now));
        producer.send(new ProducerRecord<>(topic, silence.id(), Json.MAPPER.writeValueAsString(silence))).get(10, TimeUnit.SECONDS);
        silences.put(silence.id(), silence);
        return silence;
    }

    static void checkRoom(Collection<Silence> notEnded) {
        if (notEnded.size() >= SilenceLimits.MAX_SILENCES) {
            throw new IllegalArgumentException("there are already " + notEnded.size() + " silences that have not ended, the most "
                    + "the exporter keeps (" + SilenceLimits.MAX_SILENCES + "); expire some first");
        }
    }

    public boolean expire(String id) throws Exception {
        boolean existed = silences.remove(id) != null;
        producer.send(new ProducerRecord<>(topic, id, null)).get(10, TimeUnit.SECONDS);
        return existed;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        reader.join(5_000);
        producer.close(Duration.ofSeconds(5));
    }
}
