package io.streamops.listener.it.driver;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A Spark application that ends the way many do: the JVM exits while its queries still run, and
 * Spark's own shutdown hook stops them. Run by {@code ShutdownDrainTest} in its own JVM; the listener is
 * attached by configuration alone. Two queries, {@code exiting_a} and {@code exiting_b}; prints
 * {@code STARTED} once both have started; on {@code EXIT} calls {@code System.exit(0)}.
 */
public final class ExitingDriver {
    private ExitingDriver() {
    }

    public static void main(String[] args) throws Exception {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("streamops-exiting").getOrCreate();
        for (String name : new String[] {"exiting_a", "exiting_b"}) {
            spark.readStream().format("rate-micro-batch").option("rowsPerBatch", 10).load()
                    .writeStream().queryName(name).format("noop").trigger(Trigger.ProcessingTime(200)).start();
        }
        System.out.println("STARTED");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (!"EXIT".equals(line)) {
            throw new IllegalStateException("expected EXIT on stdin, got " + line);
        }
        System.exit(0);
    }
}
