package io.streamops.listener.it.matrix;

import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.window;

/**
 * A Spark application as a user writes it, run by {@code SparkVersionMatrixTest} in its own JVM on each
 * supported Spark version's classpath. It knows nothing of streamops: the listener is attached by
 * {@code spark.sql.streaming.streamingQueryListeners} alone (given as a {@code -Dspark.*} property).
 *
 * <p>Five queries: named, unnamed, stateful with a watermark, failing at its third batch, and idle (a
 * file source on an empty directory). Checkpoints go under {@code spark.sql.streaming.checkpointLocation}.
 * It uses only API that Spark 3.3 to 4.1 share, so this one class
 * runs on all of them. Steered over stdin/stdout: prints {@code STARTED}; on {@code STOP} stops every
 * query and prints {@code QUERIES_STOPPED}; on {@code EXIT} calls {@code spark.stop()} and prints
 * {@code SPARK_STOPPED <ms>}.
 */
public final class MatrixDriver {
    private MatrixDriver() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Paths.get(args[0]);
        Path empty = Files.createDirectories(work.resolve("empty-input"));
        SparkSession spark = SparkSession.builder().master("local[2]").appName("streamops-matrix").getOrCreate();
        Trigger every200ms = Trigger.ProcessingTime(200);

        rate(spark).writeStream().queryName("matrix_named").format("noop").trigger(every200ms).start();
        rate(spark).writeStream().format("noop").trigger(every200ms).start();
        rate(spark).withWatermark("timestamp", "1 second")
                .groupBy(window(col("timestamp"), "1 second")).count()
                .writeStream().queryName("matrix_stateful").outputMode("append").format("noop")
                .trigger(every200ms).start();
        // Fails in its third batch on the driver with an AnalysisException, which has an error class from 3.4 on.
        rate(spark).writeStream().queryName("matrix_failing").trigger(every200ms)
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, batchId) -> {
                    if (batchId == 2) {
                        batch.selectExpr("matrix_no_such_column").count();
                    }
                }).start();
        spark.readStream().format("text").load(empty.toString())
                .writeStream().queryName("matrix_idle").format("noop").trigger(every200ms).start();
        say("STARTED");

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        expect(in, "STOP");
        for (StreamingQuery query : spark.streams().active()) {
            query.stop();
        }
        say("QUERIES_STOPPED");
        expect(in, "EXIT");
        long start = System.nanoTime();
        spark.stop();
        say("SPARK_STOPPED " + (System.nanoTime() - start) / 1_000_000);
    }

    private static Dataset<Row> rate(SparkSession spark) {
        return spark.readStream().format("rate-micro-batch").option("rowsPerBatch", 10)
                .option("startTimestamp", System.currentTimeMillis()).load();
    }

    private static void expect(BufferedReader in, String command) throws IOException {
        String line = in.readLine();
        if (!command.equals(line)) {
            throw new IllegalStateException("expected " + command + " on stdin, got " + line);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
