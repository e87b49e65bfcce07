package io.streamops.listener.config;

import io.streamops.events.EventContract;
import org.apache.spark.SparkConf;
import scala.Tuple2;

import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Every {@code spark.streamops.*} setting, read once from the SparkConf and immutable after.
 * The README's settings table lists the same names and defaults.
 */
public final class ListenerConfig {
    public static final String PREFIX = "spark.streamops.";

    private final boolean enabled;
    private final String bootstrapServers;
    private final String topic;
    private final Properties producerProperties;
    private final String job;
    private final Map<String, String> tags;
    private final long heartbeatIntervalMs;
    private final int prometheusPort;
    private final String prometheusHost;
    private final int bufferCapacity;
    private final int outboxCapacity;
    private final boolean partitionMetrics;
    private final long terminatedGraceMs;
    private final long shutdownFlushTimeoutMs;

    private ListenerConfig(SparkConf conf) {
        enabled = conf.getBoolean(PREFIX + "enabled", true);
        topic = conf.get(PREFIX + "kafka.topic", EventContract.DEFAULT_TOPIC);
        String appName = conf.get("spark.app.name", "spark-app");
        job = conf.get(PREFIX + "job", appName);
        heartbeatIntervalMs = positive(conf, "heartbeat.interval", conf.getTimeAsMs(PREFIX + "heartbeat.interval", "10s"));
        prometheusPort = conf.getInt(PREFIX + "prometheus.port", -1);
        prometheusHost = conf.get(PREFIX + "prometheus.host", "0.0.0.0");
        bufferCapacity = (int) positive(conf, "buffer.capacity", conf.getInt(PREFIX + "buffer.capacity", 10_000));
        outboxCapacity = (int) positive(conf, "kafka.outbox.capacity", conf.getInt(PREFIX + "kafka.outbox.capacity", 10_000));
        partitionMetrics = conf.getBoolean(PREFIX + "metrics.partitions.enabled", false);
        terminatedGraceMs = conf.getTimeAsMs(PREFIX + "metrics.terminated.grace", "2m");
        shutdownFlushTimeoutMs = conf.getTimeAsMs(PREFIX + "shutdown.flush.timeout", "5s");

        Map<String, String> tagMap = new TreeMap<>();
        Properties producer = defaultProducerProperties();
        for (Tuple2<String, String> entry : conf.getAllWithPrefix(PREFIX)) {
            String key = entry._1();
            if (key.startsWith("tags.") && key.length() > "tags.".length()) {
                tagMap.put(key.substring("tags.".length()), entry._2());
            } else if (key.startsWith("kafka.") && !key.equals("kafka.topic") && !key.startsWith("kafka.outbox.")) {
                producer.setProperty(key.substring("kafka.".length()), KafkaClassNames.relocate(entry._2()));
            }
        }
        tags = Collections.unmodifiableMap(tagMap);
        bootstrapServers = producer.getProperty("bootstrap.servers");
        producerProperties = producer;
    }

    public static ListenerConfig from(SparkConf conf) {
        return new ListenerConfig(conf);
    }

    /**
     * Our defaults, each overridable with {@code spark.streamops.kafka.<name>}. No compression: the
     * codecs are native code that we neither ship nor relocate. max.block.ms bounds how long our own
     * sender thread (never Spark's) waits for metadata or buffer space while the broker is away.
     */
    private static Properties defaultProducerProperties() {
        Properties p = new Properties();
        p.setProperty("acks", "all");
        p.setProperty("enable.idempotence", "true");
        p.setProperty("linger.ms", "20");
        p.setProperty("max.block.ms", "5000");
        p.setProperty("buffer.memory", String.valueOf(16 * 1024 * 1024));
        p.setProperty("reconnect.backoff.max.ms", "2000");
        p.setProperty("client.id", "streamops-listener");
        return p;
    }

    private static long positive(SparkConf conf, String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(PREFIX + name + " must be positive, got " + conf.get(PREFIX + name));
        }
        return value;
    }

    public boolean enabled() { return enabled; }
    /** Null when not set: events are then not forwarded, metrics still work. */
    public String bootstrapServers() { return bootstrapServers; }
    public String topic() { return topic; }
    /** A copy: producer properties may hold secrets (SASL), so this class never prints them. */
    public Properties producerProperties() {
        Properties copy = new Properties();
        copy.putAll(producerProperties);
        return copy;
    }
    public String job() { return job; }
    public Map<String, String> tags() { return tags; }
    public long heartbeatIntervalMs() { return heartbeatIntervalMs; }
    /** -1 (default): no HTTP endpoint; 0: any free port. */
    public int prometheusPort() { return prometheusPort; }
    public String prometheusHost() { return prometheusHost; }
    public int bufferCapacity() { return bufferCapacity; }
    public int outboxCapacity() { return outboxCapacity; }
    public boolean partitionMetrics() { return partitionMetrics; }
    public long terminatedGraceMs() { return terminatedGraceMs; }
    public long shutdownFlushTimeoutMs() { return shutdownFlushTimeoutMs; }
}
