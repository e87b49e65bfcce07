package io.streamops.demo.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Writes each micro-batch of alerts to {@code alerting} exactly once, as a read_committed consumer sees it.
 * Spark's own Kafka sink is at least once: a batch that ran but was not committed to the checkpoint is run
 * again after a restart, and its records written twice. Here each batch goes out in one Kafka transaction
 * that also writes the batch id to {@code alerting-commits}; a batch id at or below the last one committed
 * there was already written and is skipped. The transactional id is fixed per query, so a new run's
 * {@code initTransactions} fences a driver that is still around and aborts what it left open. The batch is
 * collected on the driver: it holds only the large cough-syrup purchases, a handful per second.
 */
final class AlertingSink implements VoidFunction2<Dataset<String>, Long> {
    static final String TOPIC = "alerting";
    static final String COMMITS_TOPIC = "alerting-commits";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrap;
    private final String query;
    private transient KafkaProducer<String, String> producer;
    private transient long lastCommitted = -2;

    AlertingSink(String bootstrap, String query) {
        this.bootstrap = bootstrap;
        this.query = query;
    }

    @Override
    public void call(Dataset<String> batch, Long batchId) throws Exception {
        List<String> alerts = batch.collectAsList();
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "transactional.id", "grocery-" + query,
                    "enable.idempotence", "true", "acks", "all"), new StringSerializer(), new StringSerializer());
            producer.initTransactions();
            lastCommitted = lastCommittedBatch();
        }
        if (batchId <= lastCommitted) {
            return; // written by an earlier run, which failed before Spark recorded the batch as done
        }
        producer.beginTransaction();
        try {
            for (String alert : alerts) {
                producer.send(new ProducerRecord<>(TOPIC, JSON.readTree(alert).path("id").asText(), alert));
            }
            producer.send(new ProducerRecord<>(COMMITS_TOPIC, query, Long.toString(batchId)));
            producer.commitTransaction();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO); // a fresh producer and a fresh look at what was committed next time
            producer = null;
            throw e;
        }
        lastCommitted = batchId;
    }

    /** The highest batch id committed for this query (-1: none), read with read_committed. */
    private long lastCommittedBatch() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed", "enable.auto.commit", "false"), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(COMMITS_TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long last = -1;
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (query.equals(r.key())) {
                        last = Math.max(last, Long.parseLong(r.value()));
                    }
                }
            }
            return last;
        }
    }
}
