package io.streamops.listener.it.driver;

import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A Spark application that ends the way many do after a failure: one query ({@code failing}) throws in
 * {@code foreachBatch}, the main thread sees it in {@code awaitAnyTermination}, stops the other query
 * ({@code healthy}) and exits at once with status 1. Run by {@code ShutdownDrainTest} in its own JVM.
 * Prints {@code STARTED} once both queries run; then reads one line: {@code FAIL SPARK_STOP} calls
 * {@code spark.stop()} before {@code System.exit(1)}, {@code FAIL EXIT} exits without it.
 *
 * <p>The application also has a listener of its own that is slow for a while (a second on each of the
 * first four progress events after the failure is ordered, as one that calls out to a slow service): Spark's listener bus is then
 * still holding the failed query's terminated event when the JVM starts to exit, as a busy driver's is.
 */
public final class FailingThenExitingDriver {
    /** The text of the failure, for the test to find in the terminated event. */
    public static final String FAILURE = "streamops-it: the sink rejected the batch";

    private static volatile boolean fail;

    private FailingThenExitingDriver() {
    }

    public static void main(String[] args) throws Exception {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("streamops-failing").getOrCreate();
        StreamingQuery failing = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", 10).load()
                .writeStream().queryName("failing").trigger(Trigger.ProcessingTime(200))
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
                    if (fail) {
                        throw new IllegalStateException(FAILURE);
                    }
                }).start();
        StreamingQuery healthy = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", 10).load()
                .writeStream().queryName("healthy").format("noop").trigger(Trigger.ProcessingTime(200)).start();
        spark.streams().addListener(new SlowForAWhileListener());
        System.out.println("STARTED");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null || !line.startsWith("FAIL ")) {
            throw new IllegalStateException("expected FAIL SPARK_STOP or FAIL EXIT on stdin, got " + line);
        }
        fail = true;
        try {
            spark.streams().awaitAnyTermination();
        } catch (StreamingQueryException e) {
            healthy.stop();
            if (line.equals("FAIL SPARK_STOP")) {
                spark.stop();
            }
            System.exit(1);
        }
        throw new IllegalStateException("the failing query ended without an exception: " + failing.exception());
    }

    /** Holds up Spark's streaming listener queue for a few seconds after the failure is ordered. */
    private static final class SlowForAWhileListener extends StreamingQueryListener {
        private int slowed;

        @Override
        public void onQueryStarted(QueryStartedEvent event) {
        }

        @Override
        public void onQueryProgress(QueryProgressEvent event) {
            if (fail && slowed < 4) {
                slowed++;
                try {
                    Thread.sleep(1_000); // the slow call this listener stands for, not a wait for anything
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent event) {
        }
    }
}
