package io.streamops.exporter.benchmarks;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the exporter's stream thread spends a throughput round, from a JFR recording of that round:
 *
 * {@code bash exporter-benchmarks/run.sh profile} records one bare and one exporter round with JFR
 * ({@code -Dxb.round.jvm.args=-XX:StartFlightRecording=settings=profile,filename=...}) and runs
 * {@code ProfileBreakdown <round-1-exporter.jfr>}.
 *
 * Prints, for the Kafka Streams stream thread, the share of its CPU samples (Java and native) that fall
 * inside each stage (inclusive, so stages nest and do not add up to 100 %), and the time it spent parked
 * (blocked at least the recording's threshold, 10 ms with settings=profile) by cause.
 */
public final class ProfileBreakdown {
    private static final Map<String, String> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("QueryProcessor.process: one event (parse, store get, fold, rules, store put)", "io.streamops.exporter.streams.QueryProcessor.process");
        STAGES.put("QueryProcessor.evaluateAll: the 1 s wall-clock evaluation of every query", "io.streamops.exporter.streams.QueryProcessor.evaluateAll");
        STAGES.put("state store get (RocksDB get + QueryRecord JSON read)", "org.apache.kafka.streams.state.internals.MeteredKeyValueStore.get");
        STAGES.put("state store put (QueryRecord JSON write + RocksDB put + changelog send)", "org.apache.kafka.streams.state.internals.MeteredKeyValueStore.put");
        STAGES.put("QueryRecord JSON (support.Json serde, both directions)", "io.streamops.exporter.support.Json.");
        STAGES.put("RocksDB (native calls)", "org.rocksdb.");
        STAGES.put("records sent to changelog / alerts topic (RecordCollectorImpl.send)", "org.apache.kafka.streams.processor.internals.RecordCollectorImpl.send");
        STAGES.put("rules: QueryEvaluation.evaluate (signals + CEL + alert lifecycle)", "io.streamops.exporter.query.QueryEvaluation.evaluate");
        STAGES.put("EventParser.parse", "io.streamops.exporter.event.EventParser.parse");
        STAGES.put("QueryEvaluation.fold", "io.streamops.exporter.query.QueryEvaluation.fold");
        STAGES.put("consumer poll", "org.apache.kafka.clients.consumer.KafkaConsumer.poll");
        STAGES.put("commit (exactly-once transaction)", "org.apache.kafka.streams.processor.internals.TaskExecutor.commitTasksAndMaybeUpdateCommittableOffsets");
    }

    private ProfileBreakdown() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> hits = new LinkedHashMap<>();
        STAGES.keySet().forEach(k -> hits.put(k, 0));
        Map<String, Duration> parked = new LinkedHashMap<>();
        Map<String, Integer> parkedCount = new LinkedHashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            boolean sample = type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample");
            boolean blocked = type.equals("jdk.ThreadPark") || type.equals("jdk.JavaMonitorWait");
            if (!sample && !blocked) {
                continue;
            }
            RecordedThread thread = sample ? e.getThread("sampledThread") : e.getThread();
            if (thread == null || thread.getJavaName() == null || !thread.getJavaName().matches(".*-StreamThread-\\d+$")) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace() == null ? List.of() : e.getStackTrace().getFrames();
            StringBuilder stack = new StringBuilder();
            for (RecordedFrame f : frames) {
                stack.append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName()).append('\n');
            }
            String s = stack.toString();
            if (sample) {
                samples++;
                for (Map.Entry<String, String> stage : STAGES.entrySet()) {
                    if (s.contains(stage.getValue())) {
                        hits.merge(stage.getKey(), 1, Integer::sum);
                    }
                }
            } else {
                String cause = s.contains("RecordCollectorImpl.flush") ? "flush: waiting for the broker to ack changelog and alerts records (before each commit)"
                        : s.contains("sendOffsetsToTransaction") ? "sendOffsetsToTransaction (exactly-once commit)"
                        : s.contains("commitTransaction") ? "commitTransaction (exactly-once commit)"
                        : s.contains("KafkaConsumer.poll") ? "consumer poll"
                        : "other";
                parked.merge(cause, e.getDuration(), Duration::plus);
                parkedCount.merge(cause, 1, Integer::sum);
            }
        }
        System.out.println("stream thread CPU samples (Java + native): " + samples);
        System.out.println();
        System.out.println("| stage (inclusive) | share of the stream thread's samples |");
        System.out.println("|---|---:|");
        for (Map.Entry<String, Integer> h : hits.entrySet()) {
            System.out.printf(Locale.ROOT, "| %s | %.0f %% |%n", h.getKey(), samples == 0 ? 0 : 100.0 * h.getValue() / samples);
        }
        System.out.println();
        System.out.println("| stream thread parked on | times | seconds |");
        System.out.println("|---|---:|---:|");
        parked.entrySet().stream().sorted(Map.Entry.<String, Duration>comparingByValue().reversed()).forEach(p ->
                System.out.printf(Locale.ROOT, "| %s | %d | %.1f |%n", p.getKey(), parkedCount.get(p.getKey()), p.getValue().toMillis() / 1000.0));
    }
}
