package io.streamops.benchmarks;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.streaming.StreamingQueryListener;

import java.util.Properties;

/**
 * The common hand-written pattern the issue compares against: a KafkaProducer built in the
 * constructor with default settings (only bootstrap.servers and the serializers set), and
 * {@code producer.send(...)} of the progress JSON right inside {@code onQueryProgress}.
 */
final class NaiveKafkaListener extends StreamingQueryListener {
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final long maxBlockMs;

    NaiveKafkaListener(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.maxBlockMs = new ProducerConfig(p).getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /** What this producer uses (Kafka's default, 60 s): how long one send may block without metadata. */
    long maxBlockMs() {
        return maxBlockMs;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        producer.send(new ProducerRecord<>(topic, event.progress().id().toString(), event.progress().json()));
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }
}
