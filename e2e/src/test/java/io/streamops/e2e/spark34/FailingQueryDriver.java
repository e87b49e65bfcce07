package io.streamops.e2e.spark34;

import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A user's job, run by {@code FailureToPageOnSpark34Test} in its own JVM on Spark 3.4's classpath: one
 * query whose {@code foreachBatch} throws in its third batch. Prints {@code QUERY <id>} once started
 * and {@code FAILED} once the query has ended, then stops Spark.
 */
public final class FailingQueryDriver {
    private FailingQueryDriver() {
    }

    public static void main(String[] args) throws Exception {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("warehouse-sync").getOrCreate();
        StreamingQuery query = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", "10").load()
                .writeStream().queryName("orders-to-warehouse")
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
                    if (id >= 2) {
                        throw new IllegalStateException("warehouse db unreachable");
                    }
                })
                .trigger(Trigger.ProcessingTime(200)).start();
        System.out.println("QUERY " + query.id());
        System.out.flush();
        try {
            query.awaitTermination();
        } catch (Exception expected) {
            // the failure under test
        }
        System.out.println("FAILED");
        System.out.flush();
        spark.stop();
    }
}
