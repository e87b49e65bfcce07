package io.streamops.listener.config;

import io.streamops.events.EventContract;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** {@link ListenerConfig} read from a real {@link SparkConf} (no SparkContext needed). */
class ListenerConfigTest {
    private static final String APP_NAME = "orders-enrichment";

    private static SparkConf conf() {
        // false: do not pick up spark.* system properties of the test JVM.
        return new SparkConf(false).setAppName(APP_NAME);
    }

    @Test
    void defaults() {
        ListenerConfig config = ListenerConfig.from(conf());

        assertThat(config.enabled()).isTrue();
        assertThat(config.topic()).isEqualTo("streamops-events").isEqualTo(EventContract.DEFAULT_TOPIC);
        assertThat(config.job()).isEqualTo(APP_NAME);
        assertThat(config.heartbeatIntervalMs()).isEqualTo(10_000L);
        assertThat(config.prometheusPort()).isEqualTo(-1);
        assertThat(config.bufferCapacity()).isEqualTo(10_000);
        assertThat(config.bootstrapServers()).isNull();
        assertThat(config.tags()).isEmpty();
        Properties producer = config.producerProperties();
        assertThat(producer).doesNotContainKey("bootstrap.servers");
        assertThat(producer.stringPropertyNames()).noneMatch(k -> k.startsWith("kafka.") || k.equals("topic"));
    }

    @Test
    void jobDefaultsToTheAppNameAndCanBeSet() {
        assertThat(ListenerConfig.from(conf().setAppName("nightly-backfill")).job()).isEqualTo("nightly-backfill");
        assertThat(ListenerConfig.from(conf().set("spark.streamops.job", "orders")).job()).isEqualTo("orders");
    }

    @Test
    void kafkaSettingsPassThroughToTheProducer() {
        SparkConf conf = conf()
                .set("spark.streamops.kafka.bootstrap.servers", "broker-1:9092,broker-2:9092")
                .set("spark.streamops.kafka.security.protocol", "SASL_SSL")
                .set("spark.streamops.kafka.acks", "1")
                .set("spark.streamops.kafka.topic", "ops-events")
                .set("spark.streamops.kafka.outbox.capacity", "123");

        ListenerConfig config = ListenerConfig.from(conf);
        Properties producer = config.producerProperties();

        assertThat(producer).contains(
                entry("bootstrap.servers", "broker-1:9092,broker-2:9092"),
                entry("security.protocol", "SASL_SSL"),
                entry("acks", "1")); // overrides our default
        assertThat(config.bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
        // The topic is ours, not a producer setting; neither is the outbox size.
        assertThat(config.topic()).isEqualTo("ops-events");
        assertThat(producer).doesNotContainKeys("topic", "kafka.topic", "outbox.capacity", "kafka.outbox.capacity");
        assertThat(producer).doesNotContainValue("ops-events");
        assertThat(config.outboxCapacity()).isEqualTo(123);
    }

    @Test
    void producerPropertiesAreACopy() {
        ListenerConfig config = ListenerConfig.from(conf().set("spark.streamops.kafka.bootstrap.servers", "b:9092"));

        config.producerProperties().setProperty("bootstrap.servers", "elsewhere:1");
        config.producerProperties().setProperty("sasl.mechanism", "PLAIN");

        assertThat(config.producerProperties()).contains(entry("bootstrap.servers", "b:9092"))
                .doesNotContainKey("sasl.mechanism");
    }

    @Test
    void tagsAreCollected() {
        SparkConf conf = conf()
                .set("spark.streamops.tags.team", "payments")
                .set("spark.streamops.tags.env", "prod")
                .set("spark.streamops.tags.", "no-name")
                .set("spark.streamops.kafka.client.id", "not-a-tag");

        ListenerConfig config = ListenerConfig.from(conf);

        assertThat(config.tags()).containsOnly(entry("team", "payments"), entry("env", "prod"));
        assertThat(config.producerProperties()).doesNotContainKeys("tags.team", "team");
        assertThatThrownBy(() -> config.tags().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void zeroHeartbeatIntervalIsRejectedNamingTheSetting() {
        SparkConf conf = conf().set("spark.streamops.heartbeat.interval", "0s");

        assertThatThrownBy(() -> ListenerConfig.from(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spark.streamops.heartbeat.interval")
                .hasMessageContaining("0s");
    }

    @Test
    void heartbeatIntervalUnderstandsSparkTimeStrings() {
        assertThat(ListenerConfig.from(conf().set("spark.streamops.heartbeat.interval", "250ms")).heartbeatIntervalMs())
                .isEqualTo(250L);
        assertThat(ListenerConfig.from(conf().set("spark.streamops.heartbeat.interval", "2min")).heartbeatIntervalMs())
                .isEqualTo(120_000L);
    }

    @Test
    void nonPositiveBufferCapacityIsRejectedNamingTheSetting() {
        SparkConf conf = conf().set("spark.streamops.buffer.capacity", "0");

        assertThatThrownBy(() -> ListenerConfig.from(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spark.streamops.buffer.capacity");
    }

    @Test
    void explicitValuesOverrideDefaults() {
        SparkConf conf = conf()
                .set("spark.streamops.enabled", "false")
                .set("spark.streamops.prometheus.port", "0")
                .set("spark.streamops.buffer.capacity", "512");

        ListenerConfig config = ListenerConfig.from(conf);

        assertThat(config.enabled()).isFalse();
        assertThat(config.prometheusPort()).isZero();
        assertThat(config.bufferCapacity()).isEqualTo(512);
    }

    @Test
    void kafkaClassNamesAreLeftAloneInAnUnshadedBuild() {
        // Precondition: the test classpath has kafka-clients under its own name (no relocation).
        assertThat(ProducerConfig.class.getName()).isEqualTo("org.apache.kafka.clients.producer.ProducerConfig");
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"streamops\" password=\"s3cret\";";

        ListenerConfig config = ListenerConfig.from(conf().set("spark.streamops.kafka.sasl.jaas.config", jaas));

        assertThat(config.producerProperties().getProperty("sasl.jaas.config")).isEqualTo(jaas);
        assertThat(KafkaClassNames.relocate(jaas)).isSameAs(jaas);
        assertThat(KafkaClassNames.relocate(null)).isNull();
    }

    @Test
    void appInfoCarriesTheJobAndTags() {
        SparkConf conf = conf()
                .set("spark.app.id", "local-1763738574123")
                .set("spark.driver.host", "driver-7")
                .set("spark.streamops.job", "orders")
                .set("spark.streamops.tags.team", "payments");
        ListenerConfig config = ListenerConfig.from(conf);

        AppInfo app = AppInfo.from(conf, config);

        assertThat(app.appId()).isEqualTo("local-1763738574123");
        assertThat(app.appName()).isEqualTo(APP_NAME);
        assertThat(app.job()).isEqualTo("orders");
        assertThat(app.host()).isEqualTo("driver-7");
        assertThat(app.sparkVersion()).isEqualTo(org.apache.spark.package$.MODULE$.SPARK_VERSION());
        assertThat(app.tags()).isEqualTo(config.tags());
    }
}
