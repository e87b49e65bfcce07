package io.streamops.listener.it;

import io.streamops.testkit.Await;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, finding 7: the plugin runs inside Spark's start-up (SparkContext's constructor). A bad
 * {@code spark.streamops.*} value must cost the job nothing: the SparkContext starts and queries run;
 * the listener is off and says why in the log.
 */
class PluginStartupTest {
    private static SparkSession spark;

    @AfterAll
    static void stop() throws Exception {
        TestSpark.closeAll(spark);
    }

    @Test
    void aBadSettingDoesNotFailSparkStartUp() throws Exception {
        spark = TestSpark.start("plugin-bad-setting", null, Map.of(
                "spark.plugins", "io.streamops.listener.StreamOpsPlugin",
                "spark.streamops.buffer.capacity", "0"));
        StreamingQuery query = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", "5").load()
                .writeStream().format("noop").queryName("despite-bad-setting").trigger(Trigger.ProcessingTime(200)).start();
        try {
            Await.until("a few batches", Duration.ofSeconds(90), () -> query.lastProgress() != null && query.lastProgress().batchId() >= 2);
            assertThat(query.exception().isEmpty()).isTrue();
        } finally {
            query.stop();
        }
    }
}
