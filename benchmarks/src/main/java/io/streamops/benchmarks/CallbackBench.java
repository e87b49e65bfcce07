package io.streamops.benchmarks;

import io.streamops.listener.StreamOpsListener;
import org.HdrHistogram.Histogram;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;

/**
 * One driver JVM, one listener under test: the cost of its {@code onQueryProgress} on Spark's
 * listener-bus thread. A rate-micro-batch query (a few rows, short trigger) produces a progress
 * event per batch; only {@link TimingListener}, wrapping the listener under test, is registered.
 *
 * <p>Arguments (key=value): {@code listener=streamops|naive|empty|handoff|handoff-nowake bootstrap=host:port label=... warmupS=
 * measureS= rowsPerBatch= triggerMs= out=result.properties checkpointRoot=dir}.
 */
public final class CallbackBench {
    private CallbackBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSpark.args(argv);
        String listener = BenchSpark.required(args, "listener");
        String bootstrap = BenchSpark.required(args, "bootstrap");
        String label = args.getOrDefault("label", listener);
        long warmupMs = (long) (Double.parseDouble(args.getOrDefault("warmupS", "10")) * 1000);
        long measureMs = (long) (Double.parseDouble(args.getOrDefault("measureS", "30")) * 1000);
        int rowsPerBatch = Integer.parseInt(args.getOrDefault("rowsPerBatch", "10"));
        long triggerMs = Long.parseLong(args.getOrDefault("triggerMs", "10"));

        SparkSession.Builder b = BenchSpark.builder("callback-" + label, args);
        if (listener.equals("streamops")) {
            b.config("spark.streamops.kafka.bootstrap.servers", bootstrap)
                    .config("spark.streamops.prometheus.port", "-1");
        }
        SparkSession spark = b.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");

        StreamingQueryListener underTest;
        String maxBlock;
        switch (listener) {
            case "streamops":
                // As Spark builds it from spark.sql.streaming.streamingQueryListeners: with the SparkConf.
                underTest = new StreamOpsListener(spark.sparkContext().getConf());
                maxBlock = "5000 (default; own thread)";
                break;
            case "naive":
                NaiveKafkaListener naive = new NaiveKafkaListener(bootstrap, "streamops-bench-naive");
                underTest = naive;
                maxBlock = naive.maxBlockMs() + " (default; bus thread)";
                break;
            case "empty":
                // The floor: what the timing wrapper and the bus thread cost with a listener that does nothing.
                underTest = new EmptyListener();
                maxBlock = "-";
                break;
            case "handoff":
            case "handoff-nowake":
                underTest = new HandoffListener(listener.equals("handoff"));
                maxBlock = "-";
                break;
            default:
                throw new IllegalArgumentException("listener must be streamops, naive, empty, handoff or handoff-nowake, got " + listener);
        }
        TimingListener timing = new TimingListener(underTest);
        spark.streams().addListener(timing);

        StreamingQuery q = spark.readStream().format("rate-micro-batch")
                .option("rowsPerBatch", String.valueOf(rowsPerBatch)).load()
                .writeStream().format("noop").queryName("callback-bench")
                .option("checkpointLocation", BenchSpark.checkpoint(args, "callback"))
                .trigger(Trigger.ProcessingTime(triggerMs)).start();

        Thread.sleep(warmupMs);
        long batch0 = BenchSpark.lastProgress(q).batchId();
        long dropped0 = BenchSpark.droppedStreamsEvents(spark);
        timing.startWindow();
        long t0 = System.nanoTime();
        Thread.sleep(measureMs);
        Histogram h = timing.endWindow();
        Histogram cpu = timing.cpuWindow();
        double windowS = (System.nanoTime() - t0) / 1e9;
        org.apache.spark.sql.streaming.StreamingQueryProgress last = BenchSpark.lastProgress(q);
        long batch1 = last.batchId();
        long dropped1 = BenchSpark.droppedStreamsEvents(spark);

        Properties r = new Properties();
        r.setProperty("label", label);
        r.setProperty("listener", listener);
        r.setProperty("bootstrap", bootstrap);
        r.setProperty("maxBlockMs", maxBlock);
        r.setProperty("windowS", String.format("%.1f", windowS));
        r.setProperty("callbacks", String.valueOf(h.getTotalCount()));
        r.setProperty("p50Us", us(h.getValueAtPercentile(50)));
        r.setProperty("p90Us", us(h.getValueAtPercentile(90)));
        r.setProperty("p99Us", us(h.getValueAtPercentile(99)));
        r.setProperty("over50UsPct", h.getTotalCount() == 0 ? "-"
                : String.format("%.1f", 100.0 - h.getPercentileAtOrBelowValue(50_000)));
        r.setProperty("p999Us", us(h.getValueAtPercentile(99.9)));
        r.setProperty("maxUs", us(h.getMaxValue()));
        r.setProperty("cpuP50Us", us(cpu.getValueAtPercentile(50)));
        r.setProperty("cpuP99Us", us(cpu.getValueAtPercentile(99)));
        r.setProperty("cpuMaxUs", us(cpu.getMaxValue()));
        r.setProperty("meanUs", h.getTotalCount() == 0 ? "-" : String.format("%.1f", h.getMean() / 1000));
        r.setProperty("batchesInWindow", String.valueOf(batch1 - batch0));
        r.setProperty("lastBatchDurationMs", String.valueOf(last.durationMs()));
        r.setProperty("droppedInWindow", String.valueOf(dropped1 - dropped0));
        r.setProperty("droppedTotal", String.valueOf(dropped1));
        r.setProperty("queueSizeAtEnd", String.valueOf(BenchSpark.streamsQueueSize(spark)));
        r.setProperty("threw", String.valueOf(timing.threw()));
        r.setProperty("lastError", String.valueOf(timing.lastError()));
        r.setProperty("inFlightMsAtEnd", String.valueOf(timing.inFlightMillis()));
        Path outFile = Paths.get(BenchSpark.required(args, "out"));
        BenchSpark.write(outFile, r);
        // The whole distribution, in microseconds, for a closer look (HdrHistogram's .hgrm format).
        try (PrintStream hgrm = new PrintStream(Files.newOutputStream(Paths.get(outFile + ".wall.hgrm")), true, "UTF-8")) {
            h.outputPercentileDistribution(hgrm, 1000.0);
        }
        try (PrintStream hgrm = new PrintStream(Files.newOutputStream(Paths.get(outFile + ".cpu.hgrm")), true, "UTF-8")) {
            cpu.outputPercentileDistribution(hgrm, 1000.0);
        }
        System.out.println("benchmark result " + r);
        BenchSpark.exit();
    }

    /** Does nothing: the control variant. */
    static final class EmptyListener extends StreamingQueryListener {
        @Override
        public void onQueryStarted(QueryStartedEvent event) {
        }

        @Override
        public void onQueryProgress(QueryProgressEvent event) {
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent event) {
        }
    }

    private static String us(long nanos) {
        return String.format("%.1f", nanos / 1000.0);
    }
}
