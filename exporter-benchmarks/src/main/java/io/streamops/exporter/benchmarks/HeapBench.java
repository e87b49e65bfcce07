package io.streamops.exporter.benchmarks;

import io.streamops.exporter.alert.AlertState;
import io.streamops.exporter.alert.RuleStage;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.query.StatusPolicy;
import io.streamops.exporter.rules.RulesLoader;
import io.streamops.exporter.streams.ExporterTopology;
import io.streamops.exporter.streams.QueryRecord;
import io.streamops.exporter.support.Json;
import org.apache.kafka.common.serialization.Serde;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap and stored bytes per tracked query (own JVM):
 *
 * <pre>  HeapBench queries progressPerQuery repetitions rulesFile</pre>
 *
 * Each query gets a started event, {@code progressPerQuery} progress events 10 s apart (the default 5 min
 * window then holds them all) and a heartbeat, parsed by the exporter's EventParser and folded and
 * evaluated by QueryEvaluation with the shipped rules, exactly as the topology does per event. The
 * records are held in a HashMap by query id. Live heap is measured after forced GCs before and after.
 * Three sets: "healthy" (as above), "failed" (the same records after a failed terminated event each, so
 * QueryFailed is firing and its announcement is held in the alert state), and "empty" (new QueryRecord()
 * per id: the map and record skeleton alone). Also the JSON size of each record as the state store holds it.
 */
public final class HeapBench {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HeapBench() {
    }

    public static void main(String[] args) throws Exception {
        int queries = Integer.parseInt(args[0]);
        int progress = Integer.parseInt(args[1]);
        int repetitions = Integer.parseInt(args[2]);
        Path rulesFile = Path.of(args[3]);

        Fleet fleet = Fleet.fromRecording(100);
        EventParser parser = new EventParser(1024 * 1024);
        RuleStage stage = new RuleStage(RulesLoader.load(rulesFile));
        AtomicLong ruleErrors = new AtomicLong();
        QueryEvaluation evaluation = new QueryEvaluation(StatusPolicy.DEFAULT, () -> stage, e -> ruleErrors.addAndGet(e.size()));
        Serde<QueryRecord> serde = Json.serde(QueryRecord.class);

        // Warm up: classes loaded, CEL programs and Jackson serializers built, outside the measurement.
        for (QueryRecord warm : build(fleet, parser, evaluation, 300, progress, Instant.now()).values()) {
            apply(parser, evaluation, warm, fleet.failed(Integer.parseInt(warm.state.queryName.substring(6)), Instant.now()));
            serde.serializer().serialize(ExporterTopology.STORE, warm);
        }

        for (int rep = 1; rep <= repetitions; rep++) {
            long before = liveHeap();
            Map<String, QueryRecord> empty = empty(queries);
            report("empty", rep, empty, liveHeap() - before, serde);
            Reference.reachabilityFence(empty);
            empty = null;

            before = liveHeap();
            Map<String, QueryRecord> records = build(fleet, parser, evaluation, queries, progress, Instant.now());
            report("healthy", rep, records, liveHeap() - before, serde);
            // The same queries then fail: QueryFailed fires and its announcement joins the alert state.
            Instant failedAt = Instant.now();
            for (QueryRecord record : records.values()) {
                int q = Integer.parseInt(record.state.queryName.substring("query-".length()));
                apply(parser, evaluation, record, fleet.failed(q, failedAt));
            }
            report("failed", rep, records, liveHeap() - before, serde);
            Reference.reachabilityFence(records);
            records = null;
        }
        System.out.println("RESULT heapinfo ruleErrors=" + ruleErrors.get() + " rules=" + stage.rules().rules().size()
                + " jvm=" + System.getProperty("java.vm.name").replace(' ', '_') + "_" + System.getProperty("java.version")
                + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                + " gc=" + ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName().replace(' ', '_'))
                .reduce((a, b) -> a + "+" + b).orElse("?")
                + " inputArgs=" + String.join(",", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    }

    private static void report(String set, int rep, Map<String, QueryRecord> records, long heapBytes, Serde<QueryRecord> serde) {
        StringBuilder out = new StringBuilder("RESULT heap set=" + set + " rep=" + rep + " queries=" + records.size()
                + " heapBytes=" + heapBytes
                + " bytesPerQuery=" + String.format(Locale.ROOT, "%.0f", heapBytes / (double) records.size()));
        if (!set.equals("empty")) {
            int[] sizes = new int[records.size()];
            int i = 0;
            long windowSamples = 0;
            long alertEntries = 0;
            long firing = 0;
            Map<String, Integer> byRule = new TreeMap<>();
            for (QueryRecord r : records.values()) {
                sizes[i++] = serde.serializer().serialize(ExporterTopology.STORE, r).length;
                windowSamples += r.state.window.size();
                if (r.alerts != null) {
                    alertEntries += r.alerts.alerts().size();
                    for (Map.Entry<String, AlertState> a : r.alerts.alerts().entrySet()) {
                        firing += a.getValue().isFiring() ? 1 : 0;
                        byRule.merge(a.getKey() + ":" + a.getValue().phase().wireName(), 1, Integer::sum);
                    }
                }
            }
            // The store reads what it wrote: the JSON is the whole record.
            QueryRecord sample = records.values().iterator().next();
            QueryRecord back = serde.deserializer().deserialize(ExporterTopology.STORE, serde.serializer().serialize(ExporterTopology.STORE, sample));
            if (back.state.window.size() != sample.state.window.size() || back.alerts.alerts().size() != sample.alerts.alerts().size()) {
                throw new IllegalStateException("QueryRecord does not survive the store's serde");
            }
            Arrays.sort(sizes);
            long total = Arrays.stream(sizes).asLongStream().sum();
            out.append(" storedMeanBytes=").append(String.format(Locale.ROOT, "%.0f", total / (double) sizes.length))
                    .append(" storedMedianBytes=").append(sizes[sizes.length / 2])
                    .append(" storedMaxBytes=").append(sizes[sizes.length - 1])
                    .append(" storedMinBytes=").append(sizes[0])
                    .append(" windowSamplesPerQuery=").append(String.format(Locale.ROOT, "%.1f", windowSamples / (double) sizes.length))
                    .append(" alertEntriesPerQuery=").append(String.format(Locale.ROOT, "%.2f", alertEntries / (double) sizes.length))
                    .append(" firingPerQuery=").append(String.format(Locale.ROOT, "%.2f", firing / (double) sizes.length))
                    .append(" alerts=").append(byRule.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                            .reduce((a, b) -> a + "," + b).orElse("none"));
        }
        System.out.println(out);
    }

    /** One record per query, each folded from its events and evaluated after each, as the topology does. */
    static Map<String, QueryRecord> build(Fleet fleet, EventParser parser, QueryEvaluation evaluation, int queries,
                                          int progress, Instant end) {
        Map<String, QueryRecord> records = new HashMap<>();
        Duration step = Duration.ofSeconds(10);
        // The newest event of every query is 1 s old when the fold is done: a live fleet, not a lost one.
        Instant start = end.minus(step.multipliedBy(progress + 1)).minusSeconds(1);
        for (int q = 0; q < queries; q++) {
            QueryRecord record = new QueryRecord();
            apply(parser, evaluation, record, fleet.started(q, start));
            Instant at = start;
            for (int b = 0; b < progress; b++) {
                at = start.plus(step.multipliedBy(b + 1));
                apply(parser, evaluation, record, fleet.progress(q, b, at));
            }
            apply(parser, evaluation, record, fleet.heartbeat(q, progress + 1, at.plusMillis(500)));
            records.put(record.state.queryId, record);
        }
        return records;
    }

    private static void apply(EventParser parser, QueryEvaluation evaluation, QueryRecord record, byte[] message) {
        EventParser.Result parsed = parser.parse(message);
        if (!parsed.ok()) {
            throw new IllegalStateException("a synthetic event does not parse: " + parsed.problem() + " " + parsed.detail());
        }
        evaluation.fold(record, parsed.event());
        evaluation.evaluate(record, parsed.event().timestamp().plusMillis(5));
    }

    static Map<String, QueryRecord> empty(int queries) {
        Map<String, QueryRecord> records = new HashMap<>();
        for (int q = 0; q < queries; q++) {
            records.put(new String(Fleet.queryId(q).toCharArray()), new QueryRecord());
        }
        return records;
    }

    static long liveHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(150);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
