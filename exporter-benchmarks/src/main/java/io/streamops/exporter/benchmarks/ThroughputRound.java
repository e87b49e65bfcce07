package io.streamops.exporter.benchmarks;

import io.micrometer.core.instrument.Counter;
import io.streamops.exporter.alert.RuleStage;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.query.QueryCadence;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.query.StatusPolicy;
import io.streamops.exporter.rules.RulesLoader;
import io.streamops.exporter.service.ExporterService;
import io.streamops.exporter.streams.ExporterMetrics;
import io.streamops.exporter.streams.ExporterTopology;
import io.streamops.exporter.streams.LatestSignals;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * One throughput round in its own JVM (so neither variant inherits the other's JIT or heap):
 *
 * <pre>
 *   ThroughputRound bare     bootstrap topic events maxSeconds runTag
 *   ThroughputRound exporter bootstrap topic events maxSeconds runTag rulesFile alertsTopic stateDir
 * </pre>
 *
 * Both read the same pre-filled topic from the beginning, with a fresh consumer group (bare) or a fresh
 * application id and state directory (exporter), and time from the first record consumed to the last
 * one handled. Prints one line {@code RESULT variant=... events=... seconds=... eventsPerSecond=...}.
 */
public final class ThroughputRound {
    private ThroughputRound() {
    }

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        String bootstrap = args[1];
        String topic = args[2];
        long events = Long.parseLong(args[3]);
        Duration max = Duration.ofSeconds(Long.parseLong(args[4]));
        String tag = args[5];
        String result = switch (variant) {
            case "bare" -> bare(bootstrap, topic, events, max, tag);
            case "exporter" -> exporter(bootstrap, topic, events, max, tag, Path.of(args[6]), args[7], Path.of(args[8]));
            default -> throw new IllegalArgumentException("variant: bare | exporter");
        };
        System.out.println("RESULT variant=" + variant + " " + result);
        System.out.flush();
        System.exit(0);
    }

    /** The ceiling: a bare consumer that parses every event with the exporter's parser and does nothing else. */
    static String bare(String bootstrap, String topic, long events, Duration max, String tag) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "xb-bare-" + tag);
        p.put("client.id", "xb-bare-" + tag);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        // What Kafka Streams sets for its own consumer (exactly-once reads committed data, 1000 records a poll).
        p.put("isolation.level", "read_committed");
        p.put("max.poll.records", "1000");
        EventParser parser = new EventParser(1024 * 1024);
        long ok = 0;
        long bad = 0;
        long seen = 0;
        long sink = 0;
        long first = 0;
        long last = 0;
        long deadline = System.nanoTime() + max.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (seen < events) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("bare consumer saw only " + seen + " of " + events + " events in " + max);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (seen == 0) {
                        first = System.nanoTime();
                    }
                    EventParser.Result parsed = parser.parse(r.value());
                    if (parsed.ok()) {
                        ok++;
                        sink += parsed.event().queryId().length() + (parsed.event().signals() == null ? 0 : parsed.event().signals().sources().size());
                    } else {
                        bad++;
                    }
                    seen++;
                }
            }
            last = System.nanoTime();
        }
        return line(seen, bad, first, last) + " sink=" + sink;
    }

    /**
     * The exporter's real topology with the shipped rules, configured as ExporterService configures it:
     * exactly-once v2, commit interval 100 ms, the persistent (RocksDB) store with its changelog, the
     * default cadence (1 s wall-clock evaluation of every query, progress saved at most every 10 s), one
     * stream thread.
     */
    static String exporter(String bootstrap, String topic, long events, Duration max, String tag, Path rulesFile,
                           String alertsTopic, Path stateDir) throws Exception {
        RuleStage stage = new RuleStage(RulesLoader.load(rulesFile));
        AtomicLong ruleErrors = new AtomicLong();
        QueryEvaluation evaluation = new QueryEvaluation(StatusPolicy.DEFAULT, () -> stage, errors -> ruleErrors.addAndGet(errors.size()));
        MarkingRegistry registry = new MarkingRegistry(events);
        ExporterMetrics metrics = new ExporterMetrics(registry);

        String applicationId = "xb-exporter-" + tag;
        Files.createDirectories(stateDir);
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", bootstrap);
        Properties p = ExporterService.streamsProperties(kafka, applicationId, stateDir, applicationId + "-bench");
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);

        KafkaStreams streams = new KafkaStreams(ExporterTopology.build(topic, alertsTopic, new EventParser(1024 * 1024),
                evaluation, metrics, QueryCadence.DEFAULT, new LatestSignals()), p);
        long deadline = System.nanoTime() + max.toNanos();
        String outcome;
        try {
            streams.start();
            while (registry.lastEvaluatedNanos() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("exporter handled only " + registry.consumed() + " of " + events + " events in " + max);
                }
                if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("Kafka Streams is " + streams.state() + " after " + registry.consumed() + " events");
                }
                LockSupport.parkNanos(1_000_000);
            }
            double bad = registry.find("streamops.exporter.events.bad").counters().stream().mapToDouble(Counter::count).sum();
            double transitions = registry.get("streamops.exporter.alert.transitions").counter().count();
            outcome = line(registry.consumed(), (long) bad, registry.firstConsumedNanos(), registry.lastEvaluatedNanos())
                    + " ruleEvaluations=" + registry.evaluations() + " transitions=" + (long) transitions + " ruleErrors=" + ruleErrors.get()
                    + " saves=" + (long) registry.get("streamops.exporter.state.saves").counter().count()
                    + " passMeanMs=" + String.format(java.util.Locale.ROOT, "%.2f",
                    registry.get("streamops.exporter.evaluation.pass").timer().mean(java.util.concurrent.TimeUnit.MILLISECONDS))
                    + " passMaxMs=" + String.format(java.util.Locale.ROOT, "%.2f",
                    registry.get("streamops.exporter.evaluation.pass").timer().max(java.util.concurrent.TimeUnit.MILLISECONDS));
        } finally {
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            deleteRecursively(stateDir);
            deleteInternalTopics(bootstrap, applicationId);
        }
        return outcome;
    }

    /** The changelog of each round is ~1 GB on disk: give the space back. */
    private static void deleteInternalTopics(String bootstrap, String applicationId) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Set<String> mine = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(applicationId + "-")).collect(Collectors.toSet());
            if (!mine.isEmpty()) {
                admin.deleteTopics(mine).all().get();
            }
        } catch (Exception e) {
            System.err.println("could not delete the internal topics of " + applicationId + ": " + e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    private static String line(long events, long bad, long firstNanos, long lastNanos) {
        double seconds = (lastNanos - firstNanos) / 1e9;
        return "events=" + events + " bad=" + bad + " seconds=" + String.format(java.util.Locale.ROOT, "%.3f", seconds)
                + " eventsPerSecond=" + String.format(java.util.Locale.ROOT, "%.0f", events / seconds);
    }
}
