package io.streamops.listener.it;

import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A local Spark session on loopback with the listener attached by configuration only, exactly as a
 * user would: nothing else in these tests calls the listener.
 */
final class TestSpark {
    private TestSpark() {
    }

    static SparkSession.Builder builder(String appName, String bootstrapServers) {
        SparkSession.Builder b = SparkSession.builder()
                .master("local[2]")
                .appName(appName)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.streaming.streamingQueryListeners", "io.streamops.listener.StreamOpsListener")
                .config("spark.streamops.prometheus.port", "0")
                .config("spark.streamops.prometheus.host", "127.0.0.1")
                .config("spark.streamops.heartbeat.interval", "1s")
                .config("spark.streamops.tags.env", "test")
                .config("spark.streamops.shutdown.flush.timeout", "3s");
        if (bootstrapServers != null) {
            b.config("spark.streamops.kafka.bootstrap.servers", bootstrapServers)
                    // Short enough that a test sees the broker come back quickly.
                    .config("spark.streamops.kafka.max.block.ms", "1000")
                    .config("spark.streamops.kafka.delivery.timeout.ms", "20000")
                    .config("spark.streamops.kafka.request.timeout.ms", "5000");
        }
        return b;
    }

    static SparkSession start(String appName, String bootstrapServers, Map<String, String> extra) {
        SparkSession.Builder b = builder(appName, bootstrapServers);
        extra.forEach(b::config);
        return b.getOrCreate();
    }

    /**
     * The {@code spark.*} settings of a driver in its own JVM ({@code SparkDriverJvm}): on loopback, no
     * UI, the listener attached by configuration alone and sending to {@code topic}. A map to add to.
     */
    static Map<String, String> driverJvmConf(String bootstrapServers, String topic, Path checkpoints) {
        Map<String, String> conf = new java.util.LinkedHashMap<>();
        conf.put("spark.sql.streaming.streamingQueryListeners", "io.streamops.listener.StreamOpsListener");
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.sql.shuffle.partitions", "2");
        conf.put("spark.sql.streaming.checkpointLocation", checkpoints.toString());
        conf.put("spark.streamops.kafka.bootstrap.servers", bootstrapServers);
        conf.put("spark.streamops.kafka.topic", topic);
        return conf;
    }

    /** Stops Spark, then closes the rest in order; nulls (a set-up that failed half way) are skipped. */
    static void closeAll(SparkSession spark, AutoCloseable... others) throws Exception {
        if (spark != null) {
            spark.stop();
        }
        for (AutoCloseable c : others) {
            if (c != null) {
                c.close();
            }
        }
    }

    static String checkpoint(String name) throws Exception {
        Path dir = Files.createTempDirectory("streamops-ckpt-" + name);
        return dir.toString();
    }
}
