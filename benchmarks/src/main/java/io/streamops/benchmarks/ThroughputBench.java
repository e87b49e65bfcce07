package io.streamops.benchmarks;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

import java.lang.management.ManagementFactory;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;

/**
 * One driver JVM: rows per second of a CPU-bound rate-micro-batch query (every row hashed with
 * SHA-256 and filtered on the hash, so each batch takes longer than its 100 ms trigger and the
 * query runs flat out), with no listener or with streamops attached by configuration alone.
 *
 * <p>Throughput = rows of the batches that ended inside the window / time from the end of the
 * window's first boundary batch to the end of its last one (Spark's own batch timestamps). Beside it,
 * the driver JVM's CPU time over the same batches, per million rows, and the cores it got.
 *
 * <p>Arguments (key=value): {@code listener=none|streamops bootstrap=host:port label= warmupS=
 * measureS= rowsPerBatch= triggerMs= out=result.properties checkpointRoot=dir}.
 */
public final class ThroughputBench {
    private ThroughputBench() {
    }

    /**
     * The moment a batch ends (seen within a few ms), with the driver JVM's CPU time then: the CPU
     * per row this JVM spends is far less sensitive than rows/s to other work on the machine.
     */
    private static final class Mark {
        final StreamingQueryProgress progress;
        final long wallNanos;
        final long cpuNanos;

        private Mark(StreamingQueryProgress progress, long wallNanos, long cpuNanos) {
            this.progress = progress;
            this.wallNanos = wallNanos;
            this.cpuNanos = cpuNanos;
        }

        static Mark atNextBatchEnd(StreamingQuery q) throws InterruptedException {
            long seen = BenchSpark.lastProgress(q).batchId();
            while (true) {
                StreamingQueryProgress p = q.lastProgress();
                if (p.batchId() != seen) {
                    return new Mark(p, System.nanoTime(), processCpuNanos());
                }
                Thread.sleep(2);
            }
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSpark.args(argv);
        String listener = BenchSpark.required(args, "listener");
        String label = args.getOrDefault("label", listener);
        long warmupMs = (long) (Double.parseDouble(args.getOrDefault("warmupS", "15")) * 1000);
        long measureMs = (long) (Double.parseDouble(args.getOrDefault("measureS", "30")) * 1000);
        long rowsPerBatch = Long.parseLong(args.getOrDefault("rowsPerBatch", "400000"));
        long triggerMs = Long.parseLong(args.getOrDefault("triggerMs", "100"));

        SparkSession.Builder b = BenchSpark.builder("throughput-" + label, args);
        switch (listener) {
            case "none":
                break;
            case "streamops":
                b.config("spark.sql.streaming.streamingQueryListeners", "io.streamops.listener.StreamOpsListener")
                        .config("spark.streamops.kafka.bootstrap.servers", BenchSpark.required(args, "bootstrap"))
                        .config("spark.streamops.prometheus.port", "-1");
                break;
            default:
                throw new IllegalArgumentException("listener must be none or streamops, got " + listener);
        }
        SparkSession spark = b.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");

        StreamingQuery q = spark.readStream().format("rate-micro-batch")
                .option("rowsPerBatch", String.valueOf(rowsPerBatch))
                .option("numPartitions", "2").load()
                .selectExpr("value", "sha2(cast(value as string), 256) as h")
                .where("h like 'ab%'")
                .writeStream().format("noop").queryName("throughput-bench")
                .option("checkpointLocation", BenchSpark.checkpoint(args, "throughput"))
                .trigger(Trigger.ProcessingTime(triggerMs)).start();

        Thread.sleep(warmupMs);
        Mark m0 = Mark.atNextBatchEnd(q);
        Thread.sleep(measureMs);
        Mark m1 = Mark.atNextBatchEnd(q);
        StreamingQueryProgress p0 = m0.progress;
        StreamingQueryProgress p1 = m1.progress;

        long batches = p1.batchId() - p0.batchId();
        long rows = 0;
        long busyMs = 0;
        int seen = 0;
        for (StreamingQueryProgress p : q.recentProgress()) {
            if (p.batchId() > p0.batchId() && p.batchId() <= p1.batchId()) {
                rows += p.numInputRows();
                busyMs += p.batchDuration();
                seen++;
            }
        }
        if (seen != batches) {
            // Older progress aged out of recentProgress: every batch of rate-micro-batch has rowsPerBatch rows.
            rows = batches * rowsPerBatch;
        }
        long spanMs = BenchSpark.batchEndMillis(p1) - BenchSpark.batchEndMillis(p0);
        Properties r = new Properties();
        r.setProperty("label", label);
        r.setProperty("listener", listener);
        r.setProperty("rowsPerBatch", String.valueOf(rowsPerBatch));
        r.setProperty("batches", String.valueOf(batches));
        r.setProperty("rows", String.valueOf(rows));
        r.setProperty("spanMs", String.valueOf(spanMs));
        r.setProperty("rowsPerSecond", String.format("%.0f", rows * 1000.0 / spanMs));
        double cpuMs = (m1.cpuNanos - m0.cpuNanos) / 1e6;
        double wallMs = (m1.wallNanos - m0.wallNanos) / 1e6;
        r.setProperty("cpuMsPerMillionRows", String.format("%.0f", cpuMs * 1e6 / rows));
        r.setProperty("coresUsed", String.format("%.2f", cpuMs / wallMs));
        r.setProperty("meanBatchMs", seen == batches && batches > 0 ? String.format("%.0f", (double) busyMs / batches) : "-");
        r.setProperty("droppedTotal", String.valueOf(BenchSpark.droppedStreamsEvents(spark)));
        BenchSpark.write(Paths.get(BenchSpark.required(args, "out")), r);
        System.out.println("benchmark result " + r);
        BenchSpark.exit();
    }
}
