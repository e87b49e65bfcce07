package io.streamops.exporter.restart;

import io.streamops.exporter.support.Json;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The restart journal as a compacted Kafka topic keyed by job: the latest record per job is all that is
 * kept, and alerts are keyed by job too, so the instance that owns a job's alerts is the one that writes
 * its record. Every instance reads the whole topic (no consumer group), so one that takes a job over
 * already holds its record after {@link #catchUp()}. Writes wait for {@code acks=all}.
 */
public final class KafkaRestartJournal implements RestartJournal {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRestartJournal.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** How long a catch-up may take before it fails (the controller then decides nothing for the jobs it waits for). */
    public static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Duration catchUpTimeout;
    private final Map<String, RestartRecord> records = new ConcurrentHashMap<>();
    /** The log offset of each job's record held: a catch-up never replaces a newer record with an older one. */
    private final Map<String, Long> offsets = new ConcurrentHashMap<>();

    private KafkaRestartJournal(String topic, Properties kafka, Duration catchUpTimeout) {
        this.topic = topic;
        this.catchUpTimeout = catchUpTimeout;
        this.producer = durableProducer(kafka);
        Properties consumerProps = new Properties();
        consumerProps.putAll(kafka);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Opens the journal on {@code topic} (which must exist: see {@link #topic}) and reads it to its end.
     *
     * @param kafka client settings: bootstrap servers and security, as the rest of the exporter uses
     */
    public static KafkaRestartJournal open(String topic, Properties kafka) throws JournalException {
        return open(topic, kafka, CATCH_UP_TIMEOUT);
    }

    /** As above; each {@link #catchUp()} fails after {@code catchUpTimeout} without reaching the end. */
    public static KafkaRestartJournal open(String topic, Properties kafka, Duration catchUpTimeout) throws JournalException {
        KafkaRestartJournal journal = new KafkaRestartJournal(topic, kafka, catchUpTimeout);
        try {
            List<PartitionInfo> partitions = journal.consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                throw new JournalException("restart journal topic " + topic + " does not exist", null);
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            journal.consumer.assign(assigned);
            journal.consumer.seekToBeginning(assigned);
            journal.catchUp();
            return journal;
        } catch (JournalException | RuntimeException e) {
            journal.close();
            throw e instanceof JournalException je ? je : new JournalException("cannot read restart journal " + topic, e);
        }
    }

    /**
     * A producer whose sends are done only once every in-sync replica has the record (acks=all, idempotent,
     * no linger): for records that must not be lost or doubled, as the journal's and the RestartsExhausted page.
     */
    public static KafkaProducer<String, byte[]> durableProducer(Properties kafka) {
        Properties producerProps = new Properties();
        producerProps.putAll(kafka);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * The journal's topic for {@code Admin.createTopics}: compacted, since only each job's latest record
     * matters, and one partition, since restarts are rare and one partition keeps catching up cheap.
     */
    public static NewTopic topic(String name, short replicationFactor) {
        return new NewTopic(name, 1, replicationFactor).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, replicationFactor > 1 ? "2" : "1"));
    }

    @Override
    public Optional<RestartRecord> read(String job) {
        return Optional.ofNullable(records.get(job));
    }

    @Override
    public Collection<RestartRecord> all() {
        return List.copyOf(records.values());
    }

    @Override
    public void write(RestartRecord record) throws JournalException {
        byte[] value;
        try {
            value = Json.MAPPER.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new JournalException("cannot encode the restart record of " + record.job(), e);
        }
        try {
            long offset = producer.send(new ProducerRecord<>(topic, record.job(), value))
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
            hold(record.job(), offset, record);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JournalException("interrupted writing the restart record of " + record.job(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new JournalException("cannot write the restart record of " + record.job() + " to " + topic, e);
        }
    }

    /** Keeps {@code record} (null: the job was forgotten) unless a newer one is held already. */
    private synchronized void hold(String job, long offset, RestartRecord record) {
        if (offsets.getOrDefault(job, -1L) >= offset) {
            return;
        }
        offsets.put(job, offset);
        if (record == null) {
            records.remove(job);
        } else {
            records.put(job, record);
        }
    }

    @Override
    public void catchUp() throws JournalException {
        synchronized (consumer) { // the consumer is not thread-safe; writes do not use it
            long deadline = System.nanoTime() + catchUpTimeout.toNanos();
            try {
                Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), catchUpTimeout);
                while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                    if (System.nanoTime() > deadline) {
                        throw new JournalException("restart journal " + topic + " not read to its end within "
                                + catchUpTimeout.toMillis() + " ms", null);
                    }
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        apply(record);
                    }
                }
            } catch (RuntimeException e) {
                throw new JournalException("cannot read restart journal " + topic, e);
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            hold(record.key(), record.offset(), null);
            return;
        }
        try {
            hold(record.key(), record.offset(), Json.MAPPER.readValue(record.value(), RestartRecord.class));
        } catch (IOException e) {
            // A record this version cannot read must not stop the others from loading.
            LOG.warn("Skipping unreadable restart record of job {} at offset {}: {}", record.key(), record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
