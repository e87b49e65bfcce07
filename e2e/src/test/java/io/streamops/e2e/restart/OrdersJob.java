package io.streamops.e2e.restart;

import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The streaming job the restart tests launch through Spark's own {@code SparkSubmit}: reads the Kafka
 * topic {@code orders} from the start and writes each record's value to a text file sink, with a
 * checkpoint, so a restart resumes where the last committed batch ended.
 *
 * <p>Arguments: bootstrap servers, work directory. In the work directory: {@code out/} (the sink),
 * {@code checkpoint/}; {@code poison-armed}, when present, makes the record {@code poison} throw once
 * (the file is deleted before the throw, so the restarted run gets past it); {@code fail-at-start}, when
 * present, makes every start fail before the query starts; {@code stop} stops the query cleanly.
 */
public final class OrdersJob {
    private OrdersJob() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Path work = Paths.get(args[1]);
        if (Files.exists(work.resolve("fail-at-start"))) {
            System.err.println("OrdersJob: fail-at-start is set, failing");
            System.exit(3);
        }
        SparkSession spark = SparkSession.builder().appName("orders-job").getOrCreate();
        int code = 0;
        try {
            String poison = work.resolve("poison-armed").toString();
            StreamingQuery query = spark.readStream().format("kafka")
                    .option("kafka.bootstrap.servers", bootstrap).option("subscribe", "orders")
                    .option("startingOffsets", "earliest").load()
                    .selectExpr("CAST(value AS STRING) AS value").as(Encoders.STRING())
                    .map((MapFunction<String, String>) value -> poisoned(value, poison), Encoders.STRING())
                    .writeStream().queryName("orders-to-files").format("text")
                    .option("path", work.resolve("out").toString())
                    .option("checkpointLocation", work.resolve("checkpoint").toString())
                    .trigger(Trigger.ProcessingTime(500)).start();
            Path stop = work.resolve("stop");
            while (!query.awaitTermination(250)) {
                if (Files.exists(stop)) {
                    query.stop();
                }
            }
            if (query.exception().isDefined()) {
                System.err.println("OrdersJob: the query failed: " + query.exception().get().getMessage());
                code = 1;
            }
        } catch (Exception e) {
            System.err.println("OrdersJob: " + e);
            code = 1;
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    private static String poisoned(String value, String armed) throws Exception {
        if (value.equals("poison") && Files.deleteIfExists(Paths.get(armed))) {
            throw new IllegalStateException("poison record");
        }
        return value;
    }
}
