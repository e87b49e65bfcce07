package io.streamops.demo.job;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.window;

/**
 * The grocery store's streaming job, as its developer ships it (no streamops code in it: the listener is
 * attached by SparkSubmit configuration). Two queries read the purchases on {@code ingestion}:
 * <ul>
 *   <li>{@code cough-syrup-alerts}: every purchase of more than 10 bottles of cough syrup, to {@code alerting},
 *   exactly once for read_committed consumers ({@link AlertingSink});</li>
 *   <li>{@code store-totals}: quantity per store and product in 10-second event-time windows with a 10-second
 *   watermark (stateful), to {@code store-totals}, at most {@code maxOffsetsPerTrigger} purchases a batch.</li>
 * </ul>
 * Arguments: bootstrap servers, work directory (checkpoints live under {@code checkpoints/}), the store-totals
 * batch cap. Files in the work directory steer the incidents: {@code poison-armed} makes the poison purchase
 * throw once ({@link PoisonCheck}), {@code stall-sink} holds the store-totals sink, {@code stop} stops the job
 * cleanly. When a query fails the job stops the other one and exits 1, so a restart brings both back.
 */
public final class GroceryJob {
    public static final String ALERTS_QUERY = "cough-syrup-alerts";
    public static final String TOTALS_QUERY = "store-totals";

    private GroceryJob() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Path work = Paths.get(args[1]);
        long maxOffsetsPerTrigger = Long.parseLong(args[2]);
        SparkSession spark = SparkSession.builder().appName("grocery-store").getOrCreate();
        int code = 0;
        try {
            StreamingQuery alerts = alerts(purchases(spark, bootstrap, Long.MAX_VALUE), bootstrap, work);
            StreamingQuery totals = totals(purchases(spark, bootstrap, maxOffsetsPerTrigger), bootstrap, work);
            code = awaitEnd(spark, List.of(alerts, totals), work.resolve("stop"));
        } catch (Exception e) {
            System.err.println("GroceryJob: " + e);
            code = 1;
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    private static StreamingQuery alerts(Dataset<Row> raw, String bootstrap, Path work) throws Exception {
        String armed = work.resolve("poison-armed").toString();
        Dataset<String> big = raw.selectExpr("CAST(value AS STRING)").as(Encoders.STRING())
                .flatMap((FlatMapFunction<String, String>) value -> PoisonCheck.bigCoughSyrupPurchase(value, armed), Encoders.STRING());
        return big.writeStream().queryName(ALERTS_QUERY)
                .foreachBatch((VoidFunction2<Dataset<String>, Long>) new AlertingSink(bootstrap, ALERTS_QUERY))
                .option("checkpointLocation", work.resolve("checkpoints").resolve(ALERTS_QUERY).toString())
                .trigger(Trigger.ProcessingTime(1000)).start();
    }

    /** The {@code ingestion} topic from its start, at most {@code maxOffsetsPerTrigger} records a batch. */
    private static Dataset<Row> purchases(SparkSession spark, String bootstrap, long maxOffsetsPerTrigger) {
        return spark.readStream().format("kafka").option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", "ingestion").option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", maxOffsetsPerTrigger).load();
    }

    private static StreamingQuery totals(Dataset<Row> raw, String bootstrap, Path work) throws Exception {
        Path stall = work.resolve("stall-sink");
        Dataset<Row> purchases = raw.select(from_json(col("value").cast("string"), Purchase.SCHEMA).as("p")).select("p.*");
        Dataset<Row> totals = purchases.withWatermark("eventTime", "10 seconds")
                .groupBy(window(col("eventTime"), "10 seconds"), col("store"), col("product"))
                .agg(sum("quantity").as("quantity"));
        return totals.writeStream().queryName(TOTALS_QUERY).outputMode("append")
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
                    HeldSink.waitWhile(stall);
                    batch.selectExpr("CONCAT(store, '|', product) AS key", "to_json(struct(*)) AS value")
                            .write().format("kafka").option("kafka.bootstrap.servers", bootstrap).option("topic", "store-totals").save();
                })
                .option("checkpointLocation", work.resolve("checkpoints").resolve(TOTALS_QUERY).toString())
                .trigger(Trigger.ProcessingTime(1000)).start();
    }

    /**
     * Runs until {@code stop} appears (0) or a query fails (1, after stopping the others). It stops the others
     * and exits at once, as a user's job would: the streamops listener reports the failed query failed (not
     * stopped with the application) and each query once, though the listener bus is still busy as the driver
     * exits (listener-it's ShutdownDrainTest), so the job needs no wait of its own for the terminated events.
     */
    private static int awaitEnd(SparkSession spark, List<StreamingQuery> queries, Path stop) throws Exception {
        while (true) {
            try {
                spark.streams().awaitAnyTermination(250);
            } catch (org.apache.spark.sql.streaming.StreamingQueryException failed) {
                // the failed query is found below
            }
            spark.streams().resetTerminated();
            for (StreamingQuery q : queries) {
                if (!q.isActive() && q.exception().isDefined()) {
                    System.err.println("GroceryJob: query " + q.name() + " failed: " + q.exception().get().getMessage());
                    stopAll(queries);
                    return 1;
                }
            }
            if (Files.exists(stop) || Arrays.stream(spark.streams().active()).findAny().isEmpty()) {
                stopAll(queries);
                return 0;
            }
        }
    }

    private static void stopAll(List<StreamingQuery> queries) throws Exception {
        for (StreamingQuery q : queries) {
            if (q.isActive()) {
                q.stop();
            }
        }
    }
}
