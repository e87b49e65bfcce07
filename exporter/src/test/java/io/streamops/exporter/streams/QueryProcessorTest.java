package io.streamops.exporter.streams;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.query.StatusPolicy;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.support.Json;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamops.exporter.alert.AlertUpdate;
import io.streamops.exporter.alert.QueryAlertState;
import io.streamops.exporter.alert.RuleStage;
import io.streamops.exporter.query.QueryCadence;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.rules.InvalidRulesException;
import io.streamops.exporter.rules.RulesLoader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topology on Kafka Streams' TopologyTestDriver, whose wall clock the test moves: event folding,
 * time-driven status (driver lost, stalled, idle), bad input. The rule stage here is the simplest one
 * that shows a status: one alert per status other than active, firing at once.
 */
class QueryProcessorTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** The endpoints' view, on the test's clock (a pass is fresh when it is recent by that clock). */
    private final LatestSignals latest = new LatestSignals(new java.time.Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(clock);
        }
    });
    private volatile boolean rulesBroken;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, AlertTransition> alerts;
    private final TestEvents orders = new TestEvents("grocery-alerts", "q-1", "run-1", "orders");

    /** The shipped default rules, exactly as users get them. */
    private static RuleStage defaultRules() {
        try {
            return new RuleStage(RulesLoader.load(Path.of("..", "alert-rules", "streamops-rules.yaml")));
        } catch (InvalidRulesException e) {
            throw new AssertionError(e.problems().toString(), e);
        }
    }

    @TempDir
    Path stateDir;

    /** The test driver's input topic is empty when the driver starts: there is no backlog to catch up on. */
    static final java.util.function.BiFunction<Map<String, Object>, String, Backlog> EMPTY_AT_START = (configs, task) -> new Backlog() {
        @Override
        public java.util.concurrent.CompletableFuture<Long> endOffset(org.apache.kafka.common.TopicPartition partition) {
            return java.util.concurrent.CompletableFuture.completedFuture(0L);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Long> committedOffset(org.apache.kafka.common.TopicPartition partition) {
            return java.util.concurrent.CompletableFuture.completedFuture(0L);
        }

        @Override
        public void close() {
        }
    };

    /**
     * The test driver hands every record over as {@code CreateTime}: here they stand for records the
     * broker stamped, as on an events topic with {@code LogAppendTime}, unless a test says otherwise.
     */
    private org.apache.kafka.streams.processor.TimestampExtractor heardTime = (record, partitionTime) -> {
        HeardTimeExtractor.markAppendedByBroker(record.headers());
        return record.timestamp();
    };

    /** Starts again, events heard by {@code extractor}. */
    private void restartWith(org.apache.kafka.streams.processor.TimestampExtractor extractor) {
        stop();
        heardTime = extractor;
        start();
    }

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "exporter-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString()); // not /tmp/kafka-streams, which parallel builds share
        RuleStage rules = defaultRules();
        driver = new TopologyTestDriver(ExporterTopology.build("events", "alerts", new EventParser(64 * 1024),
                new QueryEvaluation(StatusPolicy.DEFAULT, () -> {
                    if (rulesBroken) {
                        throw new IllegalStateException("a bug in the rule stage");
                    }
                    return rules;
                }, errors -> {
                    throw new AssertionError("rule errors: " + errors);
                }), new ExporterMetrics(registry), QueryCadence.DEFAULT, latest, EMPTY_AT_START, heardTime), props, T0);
        events = driver.createInputTopic("events", Serdes.String().serializer(), Serdes.ByteArray().serializer());
        alerts = driver.createOutputTopic("alerts", Serdes.String().deserializer(), Json.serde(AlertTransition.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private long clock = T0.toEpochMilli();

    private void advanceTo(Instant t) {
        driver.advanceWallClockTime(Duration.ofMillis(t.toEpochMilli() - clock));
        clock = t.toEpochMilli();
    }

    private void send(Instant t, byte[] event) {
        advanceTo(t);
        events.pipeInput("q-1", event, t);
    }

    /** The query's signals as the endpoints see them: published by the pass one second on. */
    private Signals signalsNow() {
        advanceTo(Instant.ofEpochMilli(clock).plusSeconds(1));
        List<Signals> all = latest.all();
        assertThat(all).extracting(Signals::queryId).containsExactly("q-1");
        return all.get(0);
    }

    private Signals signalsNowOf(String queryId) {
        advanceTo(Instant.ofEpochMilli(clock).plusSeconds(1));
        return latest.all().stream().filter(s -> s.queryId().equals(queryId)).findFirst().orElseThrow();
    }

    private double saves() {
        return registry.get("streamops.exporter.state.saves").counter().count();
    }

    @Test
    void progressMakesAnActiveQueryWithRatesAndLag() {
        send(T0, orders.started(T0));
        for (int i = 0; i < 5; i++) {
            Instant t = T0.plusSeconds(1 + i * 10L);
            send(t, orders.progress(i, t, 1000, 500, 1000L * (i + 1)));
        }
        Signals last = signalsNow();
        assertThat(last.status()).isEqualTo(QueryStatus.ACTIVE);
        assertThat(last.inputRate()).isEqualTo(1000);
        assertThat(last.rateRatio()).isEqualTo(0.5);
        assertThat(last.recordsBehind()).isEqualTo(5000);
        assertThat(last.timeBehindSeconds()).isEqualTo(10);
        assertThat(last.recordsBehindGrowthPerMinute()).isEqualTo(4000.0 / 40 * 60);
        assertThat(last.stateRowsGrowthPerMinute()).as("state rows 0 to 400 in 40 s").isEqualTo(600.0);
        assertThat(last.tags()).containsEntry("env", "test");
        assertThat(alerts.isEmpty()).isTrue();
        KeyValueStore<String, QueryRecord> store = driver.getKeyValueStore(ExporterTopology.STORE);
        assertThat(store.get("q-1").state.queryName).isEqualTo("orders");
    }

    @Test
    void aFastQueryKeepsABoundedWindowWithTheSameAverages() {
        send(T0, orders.started(T0));
        for (int i = 0; i < 300; i++) {
            Instant t = T0.plusSeconds(1 + i);
            send(t, orders.progress(i, t, 2000, 1000, 10L * i));
        }
        KeyValueStore<String, QueryRecord> store = driver.getKeyValueStore(ExporterTopology.STORE);
        assertThat(store.get("q-1").state.window).hasSizeLessThanOrEqualTo(32);
        Signals s = signalsNow();
        assertThat(s.inputRate()).isEqualTo(2000);
        assertThat(s.rateRatio()).isEqualTo(0.5);
        // Lag grows by 10 records a second: 600 a minute, whatever the sampling.
        assertThat(s.recordsBehindGrowthPerMinute()).isCloseTo(600, org.assertj.core.api.Assertions.within(1.0));
    }

    @Test
    void aFailureFiresAtOnceWithTheExceptionAndIsKeyedByJob() {
        send(T0, orders.started(T0));
        send(T0.plusSeconds(2), orders.failed(T0.plusSeconds(2),
                "java.lang.IllegalStateException: warehouse down\n=== Streaming Query ===\nIdentifier: orders", "X"));
        AlertTransition fired = alerts.readKeyValue().value;
        assertThat(fired.rule()).isEqualTo("QueryFailed");
        assertThat(fired.phase()).isEqualTo(AlertPhase.FIRING);
        assertThat(fired.annotations().get("summary")).contains("orders").contains("java.lang.IllegalStateException: warehouse down");
        assertThat(fired.receivers()).contains("pagerduty");
        assertThat(fired.annotations().get("summary")).as("the first line only").doesNotContain("Streaming Query");
        Signals afterFailure = signalsNow();
        assertThat(afterFailure.consecutiveFailures()).isEqualTo(1);
        assertThat(afterFailure.exceptionMessage()).isEqualTo("java.lang.IllegalStateException: warehouse down");
        // The same termination delivered again changes nothing.
        send(T0.plusSeconds(3), orders.failed(T0.plusSeconds(2), "java.lang.IllegalStateException: warehouse down", "X"));
        assertThat(signalsNow().consecutiveFailures()).isEqualTo(1);
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void silenceFromARunningDriverIsDriverLostAfterTheTimeoutAndOnlyThen() {
        send(T0, orders.started(T0));
        send(T0.plusSeconds(1), orders.heartbeat(0, T0.plusSeconds(1), false, true));
        advanceTo(T0.plusSeconds(1).plus(StatusPolicy.DEFAULT.driverLostAfter()));
        assertThat(alerts.isEmpty()).as("not yet: exactly at the timeout").isTrue();
        advanceTo(T0.plusSeconds(3).plus(StatusPolicy.DEFAULT.driverLostAfter()));
        AlertTransition lost = alerts.readValue();
        assertThat(lost.rule()).isEqualTo("DriverLost");
        // The driver is back: the alert resolves on its next heartbeat.
        Instant back = T0.plusSeconds(5).plus(StatusPolicy.DEFAULT.driverLostAfter());
        send(back, orders.heartbeat(1, back, false, true));
        assertThat(alerts.isEmpty()).as("a heartbeat waits for the pass").isTrue();
        advanceTo(back.plusSeconds(1));
        assertThat(alerts.readValue().phase()).isEqualTo(AlertPhase.RESOLVED);
    }

    /**
     * Issue 7, finding 4: an event read late (a backlog after downtime, consumer lag) was heard when the
     * broker appended it, not when this instance got to it: read 19 s late, it is 19 s old at once.
     */
    @Test
    void anEventReadLateCountsFromWhenTheBrokerAppendedIt() {
        send(T0, orders.started(T0));
        Instant appended = T0.plusSeconds(1);
        advanceTo(T0.plusSeconds(20));
        events.pipeInput("q-1", orders.heartbeat(0, appended, false, true), appended);
        Signals s = signalsNow();
        assertThat(s.secondsSinceHeartbeat()).as("seconds since the heartbeat the broker got at +1 s, read at +20 s")
                .isBetween(19.0, 21.0);
    }

    /** Issue 7, finding 4: a driver whose clock is minutes off is neither lost nor stalled for it. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {-300, 300})
    void aDriverClockFiveMinutesOffRaisesNothingFalse(int skewSeconds) {
        Duration skew = Duration.ofSeconds(skewSeconds);
        send(T0, orders.started(T0.plus(skew)));
        // Four minutes of a healthy query: a batch every 10 s, heartbeats (trigger active) in between.
        for (int i = 1; i <= 24; i++) {
            Instant wall = T0.plusSeconds(i * 10L);
            send(wall, orders.heartbeat(i, wall.plus(skew), true, true));
            send(wall.plusSeconds(5), orders.progress(i, wall.plusSeconds(5).plus(skew), 100, 100, 0));
            Signals s = signalsNow();
            assertThat(s.status()).as("at +%d s", i * 10).isEqualTo(QueryStatus.ACTIVE);
            assertThat(s.secondsSinceHeartbeat()).as("measured on the exporter's clock").isLessThan(10);
            assertThat(s.secondsSinceProgress()).isLessThan(10);
        }
        advanceTo(T0.plusSeconds(250));
        assertThat(alerts.readValuesToList()).as("no alert for a healthy query whose driver clock is %d s off", skewSeconds)
                .isEmpty();
    }

    /**
     * Issue 7 review: a record the producer stamped (before the topic was switched to LogAppendTime, or
     * after it was switched back to CreateTime) carries the driver's clock and is heard when read.
     */
    @Test
    void aHeartbeatStampedByADriverFiveMinutesBehindUnderCreateTimeIsHeardWhenRead() {
        restartWith(new HeardTimeExtractor());
        Duration behind = Duration.ofMinutes(5);
        events.pipeInput("q-1", orders.started(T0.minus(behind)), T0.minus(behind));
        for (int i = 1; i <= 12; i++) {
            Instant wall = T0.plusSeconds(i * 10L);
            advanceTo(wall);
            events.pipeInput("q-1", orders.heartbeat(i, wall.minus(behind), false, true), wall.minus(behind));
            Signals s = signalsNow();
            assertThat(s.status()).as("at +%d s", i * 10).isEqualTo(QueryStatus.ACTIVE);
            assertThat(s.secondsSinceHeartbeat()).as("heard when read, not at the driver's time").isLessThan(10);
        }
        assertThat(alerts.readValuesToList()).as("no alert for a driver 5 minutes behind under CreateTime").isEmpty();
    }

    /** Issue 7 review: the broker's append times are on its own clock, here 5 minutes behind or ahead of ours. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {-300, 300})
    void aBrokerClockFiveMinutesOffRaisesNothingFalse(int skewSeconds) {
        Duration skew = Duration.ofSeconds(skewSeconds);
        events.pipeInput("q-1", orders.started(T0), T0.plus(skew));
        for (int i = 1; i <= 12; i++) {
            Instant wall = T0.plusSeconds(i * 10L);
            advanceTo(wall);
            events.pipeInput("q-1", orders.heartbeat(i, wall, false, true), wall.plus(skew));
            Signals s = signalsNow();
            assertThat(s.status()).as("at +%d s", i * 10).isEqualTo(QueryStatus.ACTIVE);
            assertThat(s.secondsSinceHeartbeat()).as("measured on our clock").isLessThan(10);
        }
        assertThat(alerts.readValuesToList()).as("no alert with a broker clock %d s off", skewSeconds).isEmpty();
    }

    @Test
    void aDriverClockAheadDoesNotDelayDriverLost() {
        Duration ahead = Duration.ofMinutes(5);
        send(T0, orders.started(T0.plus(ahead)));
        send(T0.plusSeconds(1), orders.heartbeat(0, T0.plusSeconds(1).plus(ahead), false, true));
        advanceTo(T0.plusSeconds(3).plus(StatusPolicy.DEFAULT.driverLostAfter()));
        assertThat(alerts.readValuesToList()).extracting(AlertTransition::rule)
                .as("lost after driver_lost_after of silence, not 5 minutes later").containsExactly("DriverLost");
    }

    @Test
    void aListenerThatBeatsSlowlyIsGivenItsOwnIntervalsBeforeItIsLost() {
        send(T0, orders.started(T0));
        Duration interval = Duration.ofSeconds(30); // spark.streamops.heartbeat.interval=30s
        send(T0.plusSeconds(1), orders.heartbeat(0, T0.plusSeconds(1), false, true, interval));
        advanceTo(T0.plusSeconds(1).plus(interval.multipliedBy(StatusPolicy.HEARTBEATS_BEFORE_LOST)));
        assertThat(alerts.isEmpty()).as("%s silent is fewer than %d of its intervals", interval.multipliedBy(4),
                StatusPolicy.HEARTBEATS_BEFORE_LOST).isTrue();
        assertThat(StatusPolicy.DEFAULT.driverLostAfter()).isLessThan(interval.multipliedBy(StatusPolicy.HEARTBEATS_BEFORE_LOST));
        advanceTo(T0.plusSeconds(3).plus(interval.multipliedBy(StatusPolicy.HEARTBEATS_BEFORE_LOST)));
        assertThat(alerts.readValue().rule()).isEqualTo("DriverLost");
    }

    /**
     * Issue 7, finding 4: an instance that has fallen behind its partition (consumer lag) does not take
     * its own lag for the drivers' silence. The partition's end offset is what the broker would say; the
     * records past what the test driver was given stand for those not read yet.
     */
    @Test
    void anInstanceBehindItsPartitionJudgesNoSilenceUntilItCatchesUp() {
        java.util.concurrent.atomic.AtomicLong partitionEnd = new java.util.concurrent.atomic.AtomicLong(0);
        driver.close();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "exporter-test-lag");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("lag").toString());
        RuleStage rules = defaultRules();
        clock = T0.toEpochMilli();
        driver = new TopologyTestDriver(ExporterTopology.build("events", "alerts", new EventParser(64 * 1024),
                new QueryEvaluation(StatusPolicy.DEFAULT, () -> rules, errors -> {
                }), new ExporterMetrics(new SimpleMeterRegistry()), QueryCadence.DEFAULT, latest,
                (configs, task) -> new Backlog() {
                    @Override
                    public java.util.concurrent.CompletableFuture<Long> endOffset(org.apache.kafka.common.TopicPartition partition) {
                        return java.util.concurrent.CompletableFuture.completedFuture(partitionEnd.get());
                    }

                    @Override
                    public java.util.concurrent.CompletableFuture<Long> committedOffset(org.apache.kafka.common.TopicPartition partition) {
                        return java.util.concurrent.CompletableFuture.completedFuture(0L);
                    }

                    @Override
                    public void close() {
                    }
                }), props, T0);
        events = driver.createInputTopic("events", Serdes.String().serializer(), Serdes.ByteArray().serializer());
        alerts = driver.createOutputTopic("alerts", Serdes.String().deserializer(), Json.serde(AlertTransition.class).deserializer());

        send(T0, orders.started(T0));
        send(T0.plusSeconds(1), orders.heartbeat(0, T0.plusSeconds(1), false, true));
        partitionEnd.set(2); // both read
        advanceTo(T0.plusSeconds(10));
        partitionEnd.set(1_000); // the driver goes on sending, but this instance falls behind
        advanceTo(T0.plusSeconds(180));
        assertThat(alerts.readValuesToList()).as("three minutes behind its partition, no silence is judged").isEmpty();

        // It reads the rest: another query's events, nothing from this one.
        TestEvents other = new TestEvents("grocery-alerts", "q-2", "run-2", "payments");
        for (int i = 0; i < 998; i++) {
            Instant t = T0.plusSeconds(180).plusMillis(i);
            events.pipeInput("q-2", other.progress(i, t, 10, 10, 0), t);
        }
        advanceTo(T0.plusSeconds(190));
        assertThat(alerts.readValuesToList()).extracting(AlertTransition::rule).as("caught up: judged, and lost")
                .containsExactly("DriverLost");
    }

    /** Issue 7, finding 9: a query that processes nothing while records wait is infinitely behind. */
    @Test
    void aFullyStuckQueryIsInfinitelyBehindAndUnknownRatesDoNotCountAsZero() {
        send(T0, orders.started(T0));
        send(T0.plusSeconds(1), orders.progress(0, T0.plusSeconds(1), 100, 100, 0));
        send(T0.plusSeconds(2), orders.progressWithoutRates(1, T0.plusSeconds(2), 0));
        Signals known = signalsNow();
        assertThat(known.inputRate()).as("a batch without rates is left out of the mean, not read as 0").isEqualTo(100);
        assertThat(known.processingRate()).isEqualTo(100);

        for (int i = 2; i < 10; i++) {
            Instant t = T0.plusSeconds(1 + i * 40L);
            send(t, orders.progress(i, t, 50, 0, 1000L * i));
        }
        Signals stuck = signalsNow();
        assertThat(stuck.processingRate()).isEqualTo(0);
        assertThat(stuck.recordsBehind()).isEqualTo(9000);
        assertThat(stuck.timeBehindSeconds()).as("records behind at processing rate 0").isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void aQueryThatEndedAWeekAgoIsForgottenAndItsAlertsResolved() {
        send(T0, orders.started(T0));
        send(T0.plusSeconds(2), orders.failed(T0.plusSeconds(2), "java.lang.IllegalStateException: warehouse down", "X"));
        assertThat(alerts.readValue().phase()).isEqualTo(AlertPhase.FIRING);
        advanceTo(T0.plus(Duration.ofDays(7)));
        assertThat(latest.all()).as("kept for forget_after (7 days)").hasSize(1);

        advanceTo(T0.plus(Duration.ofDays(7)).plusSeconds(5));

        AlertTransition resolved = alerts.readValue();
        assertThat(resolved.rule()).isEqualTo("QueryFailed");
        assertThat(resolved.phase()).isEqualTo(AlertPhase.RESOLVED);
        assertThat(latest.all()).isEmpty();
        KeyValueStore<String, QueryRecord> store = driver.getKeyValueStore(ExporterTopology.STORE);
        assertThat(store.get("q-1")).isNull();
        // A new run of the same query is a new query again.
        Instant later = T0.plus(Duration.ofDays(8));
        send(later, orders.started(later));
        assertThat(signalsNow().status()).isEqualTo(QueryStatus.ACTIVE);
    }

    @Test
    void aStuckTriggerIsStalledButAnIdleQueryNeverIs() {
        send(T0, orders.started(T0));
        send(T0.plusSeconds(1), orders.progress(0, T0.plusSeconds(1), 10, 10, 0));
        // Idle: idle events every 10 s and heartbeats that now and then catch the trigger checking for data.
        for (int i = 1; i <= 30; i++) {
            Instant t = T0.plusSeconds(1 + i * 10L);
            send(t, orders.idle(t));
            send(t.plusMillis(5), orders.heartbeat(i, t.plusMillis(5), i % 3 == 0, false));
            assertThat(signalsNow().status()).isEqualTo(QueryStatus.IDLE);
        }
        assertThat(alerts.readValuesToList()).extracting(AlertTransition::rule).as("an idle query is never stalled")
                .doesNotContain("QueryStalled");

        // New data, a batch starts and never finishes: heartbeats say trigger active, data available.
        // Stalled after 2 minutes without progress, and the rule's own `for: 2m` on top.
        // The clock of a stall starts at the last sign of life, idle events included: the last idle event
        // was at +301 s and the last progress at +1 s, so at +401 s the batch has run 100 s, not 400.
        Instant stuck = T0.plusSeconds(400);
        send(stuck, orders.heartbeat(99, stuck, true, true));
        assertThat(signalsNow().status()).as("a batch that started after a long idle spell").isEqualTo(QueryStatus.ACTIVE);
        for (int i = 1; i < 40; i++) {
            Instant t = stuck.plusSeconds(i * 10L);
            send(t, orders.heartbeat(100 + i, t, true, true));
        }
        assertThat(alerts.readValuesToList()).extracting(AlertTransition::rule).contains("QueryStalled");
    }

    @Test
    void badInputIsCountedSkippedAndTheRestIsProcessed() {
        send(T0, "{not json".getBytes(StandardCharsets.UTF_8));
        send(T0, "{\"version\":2,\"type\":\"started\"}".getBytes(StandardCharsets.UTF_8));
        send(T0, new byte[70 * 1024]);
        send(T0, "{\"version\":1,\"type\":\"started\",\"eventId\":\"x\",\"timestamp\":\"2026-11-21T10:00:00Z\"}".getBytes(StandardCharsets.UTF_8));
        send(T0, "{\"version\":1,\"type\":\"paused\"}".getBytes(StandardCharsets.UTF_8));
        send(T0.plusSeconds(1), orders.failed(T0.plusSeconds(1), "boom", null));

        assertThat(alerts.readValue().rule()).isEqualTo("QueryFailed");
        assertThat(registry.get("streamops.exporter.events.bad").tag("reason", "malformed").counter().count()).isEqualTo(1);
        assertThat(registry.get("streamops.exporter.events.bad").tag("reason", "unknown_version").counter().count()).isEqualTo(1);
        assertThat(registry.get("streamops.exporter.events.bad").tag("reason", "oversized").counter().count()).isEqualTo(1);
        assertThat(registry.get("streamops.exporter.events.bad").tag("reason", "missing_field").counter().count()).isEqualTo(1);
        assertThat(registry.get("streamops.exporter.events.bad").tag("reason", "unknown_type").counter().count()).isEqualTo(1);
        assertThat(registry.get("streamops.exporter.events.consumed").counter().count()).isEqualTo(6);
    }

    @Test
    void startsAndFailuresAreSavedAtOnceAndProgressAtMostEveryTenSeconds() {
        KeyValueStore<String, QueryRecord> store = driver.getKeyValueStore(ExporterTopology.STORE);
        send(T0, orders.started(T0));
        assertThat(saves()).isEqualTo(1);
        assertThat(store.get("q-1").state.runId).isEqualTo("run-1");

        // Progress every 100 ms for 30 s: saved by the pass, not per event.
        for (int i = 0; i < 300; i++) {
            Instant t = T0.plusMillis(100L * (i + 1));
            send(t, orders.progress(i, t, 1000, 1000, i));
        }
        assertThat(saves() - 1).as("saves of 300 progress events over 30 s").isBetween(2.0, 3.0);
        assertThat(store.get("q-1").state.lastProgressAtMillis)
                .as("the store is at most 10 s behind").isGreaterThanOrEqualTo(T0.plusSeconds(20).toEpochMilli());
        advanceTo(T0.plusSeconds(41));
        assertThat(store.get("q-1").state.lastProgressAtMillis).isEqualTo(T0.plusSeconds(30).toEpochMilli());
        double beforeQuiet = saves();
        advanceTo(T0.plusSeconds(50));
        assertThat(saves()).as("nothing new, nothing saved").isEqualTo(beforeQuiet);

        Instant failedAt = T0.plusSeconds(51);
        send(failedAt, orders.failed(failedAt, "java.lang.IllegalStateException: boom", null));
        assertThat(store.get("q-1").state.ended).as("a termination is saved with the event").isEqualTo("failed");
        assertThat(store.get("q-1").alerts.alerts()).containsKey("QueryFailed");
    }

    @Test
    void aFailureInOurOwnCodeIsCountedAndTheQueryAndTheOthersKeepGoing() {
        TestEvents other = new TestEvents("grocery-alerts", "q-2", "run-7", "payments");
        rulesBroken = true;
        send(T0, orders.started(T0));
        advanceTo(T0.plusSeconds(1));
        assertThat(registry.get("streamops.exporter.processing.failures").tag("stage", "evaluate").counter().count())
                .as("the start and the pass, both for q-1").isEqualTo(2);
        assertThat(latest.all()).as("its signals still shown").extracting(Signals::queryId).containsExactly("q-1");

        rulesBroken = false;
        send(T0.plusSeconds(2), other.started(T0.plusSeconds(2)));
        send(T0.plusSeconds(3), orders.failed(T0.plusSeconds(3), "java.lang.IllegalStateException: boom", null));
        assertThat(alerts.readValue().rule()).isEqualTo("QueryFailed");
        assertThat(signalsNowOf("q-2").status()).isEqualTo(QueryStatus.ACTIVE);
    }

    @Test
    void aNewRunSeenFirstInAProgressIsSavedAtOnce() {
        KeyValueStore<String, QueryRecord> store = driver.getKeyValueStore(ExporterTopology.STORE);
        send(T0, orders.started(T0));
        send(T0.plusMillis(100), orders.progress(0, T0.plusMillis(100), 10, 10, 0));
        assertThat(saves()).as("progress of the same run waits for the pass").isEqualTo(1);
        // The driver restarted from its checkpoint; its started event is late or lost, a progress comes first.
        TestEvents restarted = new TestEvents("grocery-alerts", "q-1", "run-2", "orders");
        send(T0.plusMillis(200), restarted.progress(1, T0.plusMillis(200), 10, 10, 0));
        assertThat(saves()).isEqualTo(2);
        assertThat(store.get("q-1").state.runId).isEqualTo("run-2");
    }

    @Test
    void anEventOurFoldCannotTakeLeavesNoHalfBuiltQueryBehind() {
        // A policy without a window makes folding any progress throw: a stand-in for a bug in the fold.
        StatusPolicy broken = new StatusPolicy(Duration.ofSeconds(45), Duration.ofMinutes(2), 10, Duration.ofSeconds(30), null, Duration.ofDays(7));
        RuleStage rules = defaultRules();
        LatestSignals seen = new LatestSignals(java.time.Clock.fixed(T0.plusSeconds(5), java.time.ZoneOffset.UTC));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "exporter-test-broken-fold");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("broken").toString());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TopologyTestDriver brokenDriver = new TopologyTestDriver(ExporterTopology.build("events", "alerts",
                new EventParser(64 * 1024), new QueryEvaluation(broken, () -> rules, errors -> {
                }), new ExporterMetrics(meters), QueryCadence.DEFAULT, seen, EMPTY_AT_START), props, T0)) {
            TestInputTopic<String, byte[]> in = brokenDriver.createInputTopic("events", Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            TestEvents fresh = new TestEvents("grocery-alerts", "q-9", "run-9", "fresh");
            in.pipeInput("q-9", fresh.progress(0, T0.plusSeconds(1), 10, 10, 0), T0.plusSeconds(1));
            in.pipeInput("q-1", orders.started(T0.plusSeconds(2)), T0.plusSeconds(2));
            brokenDriver.advanceWallClockTime(Duration.ofSeconds(5));

            assertThat(meters.get("streamops.exporter.processing.failures").tag("stage", "fold").counter().count()).isEqualTo(1);
            assertThat(seen.all()).as("q-9 never made it into the task's records").extracting(Signals::queryId)
                    .containsExactly("q-1");
            KeyValueStore<String, QueryRecord> store = brokenDriver.getKeyValueStore(ExporterTopology.STORE);
            assertThat(store.get("q-9")).isNull();
            assertThat(store.get("q-1").state.runId).isEqualTo("run-1");
        }
    }
}
