package io.streamops.benchmarks;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** What every benchmark driver shares: a local[2] session on loopback, argument parsing, result files. */
final class BenchSpark {
    private BenchSpark() {
    }

    static SparkSession.Builder builder(String appName, Map<String, String> args) {
        SparkSession.Builder b = SparkSession.builder()
                .master("local[2]")
                .appName(appName)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2");
        String root = args.get("checkpointRoot");
        if (root != null) {
            b.config("spark.local.dir", root);
        }
        return b;
    }

    /** A fresh checkpoint directory under {@code checkpointRoot=} (RunAll passes one in tmpfs), else in java.io.tmpdir. */
    static String checkpoint(Map<String, String> args, String name) {
        try {
            String root = args.get("checkpointRoot");
            return (root == null ? Files.createTempDirectory("streamops-bench-" + name)
                    : Files.createTempDirectory(Paths.get(root), name)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spark's own count of events its "streams" listener queue threw away (full queue). */
    static long droppedStreamsEvents(SparkSession spark) {
        return spark.sparkContext().listenerBus().metrics().metricRegistry()
                .counter("queue.streams.numDroppedEvents").getCount();
    }

    /** Events waiting in Spark's "streams" listener queue right now, or -1 if Spark does not say. */
    static long streamsQueueSize(SparkSession spark) {
        try {
            com.codahale.metrics.Gauge<?> g = spark.sparkContext().listenerBus().metrics().metricRegistry()
                    .getGauges().get("queue.streams.size");
            return g == null ? -1 : ((Number) g.getValue()).longValue();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The last progress the query recorded (no listener needed), waiting for the first one. */
    static StreamingQueryProgress lastProgress(StreamingQuery q) throws InterruptedException {
        StreamingQueryProgress p;
        while ((p = q.lastProgress()) == null) {
            if (!q.isActive()) {
                throw new IllegalStateException("query stopped before its first batch", q.exception().isDefined() ? q.exception().get() : null);
            }
            Thread.sleep(20);
        }
        return p;
    }

    /** Wall-clock end of a batch, in epoch milliseconds: its trigger time plus its duration. */
    static long batchEndMillis(StreamingQueryProgress p) {
        return Instant.parse(p.timestamp()).toEpochMilli() + p.batchDuration();
    }

    static Map<String, String> args(String[] args) {
        Map<String, String> m = new TreeMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + a);
            }
            m.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return m;
    }

    static String required(Map<String, String> args, String key) {
        String v = args.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return v;
    }

    static void write(Path file, Properties result) {
        try {
            Path tmp = Paths.get(file + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                result.store(out, null);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Ends this driver JVM as soon as its result is written. No clean stop: it measures nothing, costs
     * seconds per variant (streamops' shutdown flush, Spark's stop), and behind a listener blocked in
     * {@code send()} {@code spark.stop()} does not return at all. Spark's scratch space is under the
     * run's temporary root ({@link #builder}), which RunAll deletes.
     */
    static void exit() {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }
}
