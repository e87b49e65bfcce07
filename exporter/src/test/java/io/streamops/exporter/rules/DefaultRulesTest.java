package io.streamops.exporter.rules;

import io.streamops.exporter.support.DurationText;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTracker;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.alert.AlertUpdate;
import io.streamops.exporter.alert.QueryAlertState;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.signals.TestSignals;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped alert-rules/streamops-rules.yaml: it loads, and each rule fires when it should and only then. */
class DefaultRulesTest {

    /** Surefire runs in the module directory, exporter/. */
    static final Path SHIPPED = Path.of("..", "alert-rules", "streamops-rules.yaml");

    static RuleSet rules;

    @BeforeAll
    static void load() throws InvalidRulesException {
        rules = RulesLoader.load(SHIPPED);
    }

    @Test
    void shippedFileLoadsWithTheRequiredRules() {
        assertThat(rules.rules()).extracting(Rule::name).containsExactly(
                "QueryFailed", "DriverLost", "QueryStalled", "QueryFallingBehind", "KafkaLagGrowing",
                "BatchSlowerThanTrigger", "WatermarkDelayHigh", "StateMemoryGrowing", "ListenerDroppingEvents");
        assertThat(rules.rules()).allSatisfy(rule -> {
            assertThat(rule.annotations()).containsKeys("summary", "description");
            assertThat(rule.receivers()).isNotEmpty();
        });
        assertThat(rules.undefinedReceivers(Set.of("email", "pagerduty"))).isEmpty();
        assertThat(rules.undefinedReceivers(Set.of("email"))).as("some rules page").isNotEmpty();
    }

    /** Each rule with signals that must trigger it; every other field healthy. */
    static Stream<Arguments> triggers() {
        return Stream.of(
                Arguments.of("QueryFailed", TestSignals.healthy().with(s -> {
                    s.status = QueryStatus.FAILED;
                    s.exceptionMessage = "org.apache.spark.SparkException: Job aborted.";
                    s.errorClass = "TASK_WRITE_FAILED";
                })),
                Arguments.of("DriverLost", TestSignals.healthy().with(s -> {
                    s.status = QueryStatus.DRIVER_LOST;
                    s.secondsSinceHeartbeat = 95;
                })),
                Arguments.of("QueryStalled", TestSignals.healthy().with(s -> {
                    s.status = QueryStatus.STALLED;
                    s.triggerActive = true;
                    s.secondsSinceProgress = 900;
                })),
                Arguments.of("QueryFallingBehind", TestSignals.healthy().with(s -> {
                    s.processingRate = 700;
                    s.rateRatio = 0.7;
                })),
                Arguments.of("KafkaLagGrowing", TestSignals.healthy().with(s -> {
                    s.recordsBehind = 250_000;
                    s.recordsBehindGrowthPerMinute = 3_000;
                    s.timeBehindSeconds = 208;
                })),
                Arguments.of("KafkaLagGrowing", TestSignals.healthy().with(s -> {
                    // few records, but slow ones: 10 minutes of processing behind
                    s.recordsBehind = 6_000;
                    s.processingRate = 10;
                    s.timeBehindSeconds = 600;
                    s.recordsBehindGrowthPerMinute = 40;
                })),
                Arguments.of("BatchSlowerThanTrigger", TestSignals.healthy().with(s -> s.batchDurationSeconds = 14)),
                Arguments.of("WatermarkDelayHigh", TestSignals.healthy().with(s -> s.watermarkDelaySeconds = 2 * 3600)),
                Arguments.of("StateMemoryGrowing", TestSignals.healthy().with(s -> {
                    s.stateMemoryBytes = 2e9;
                    s.stateMemoryGrowthBytesPerMinute = 5e6;
                })),
                Arguments.of("ListenerDroppingEvents", TestSignals.healthy().with(s -> s.listenerDroppedEvents = 12)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("triggers")
    void ruleMatchesItsTriggerAndNoOtherRuleDoes(String ruleName, TestSignals signals) {
        assertThat(rules.evaluate(signals.build()).matching()).extracting(Rule::name).containsExactly(ruleName);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("triggers")
    void ruleFiresAfterItsForAndRendersItsAnnotations(String ruleName, TestSignals signals) {
        Rule rule = rules.rule(ruleName).orElseThrow();
        AlertTracker tracker = new AlertTracker(rules);
        Signals s = signals.build();
        Instant start = Instant.parse("2025-03-01T12:00:00Z");

        AlertUpdate first = tracker.evaluate(QueryAlertState.empty(s.queryId()), s, start);
        AlertUpdate atFor = tracker.evaluate(first.state(), s, start.plus(rule.forDuration()));

        List<AlertTransition> fired = rule.forDuration().isZero() ? first.transitions() : atFor.transitions();
        assertThat(fired).singleElement().satisfies(t -> {
            assertThat(t.phase()).isEqualTo(AlertPhase.FIRING);
            assertThat(t.rule()).isEqualTo(ruleName);
            assertThat(t.annotations().get("summary")).isNotBlank().doesNotContain("unknown").doesNotContain("failed:  ");
            assertThat(t.annotations().get("description")).isNotBlank();
        });
        assertThat(first.errors()).isEmpty();
        assertThat(atFor.errors()).isEmpty();
    }

    @Test
    void healthyIdleAndUnknownQueriesMatchNothing() {
        assertThat(rules.evaluate(TestSignals.healthy().build()).matching()).isEmpty();
        assertThat(rules.evaluate(TestSignals.idle().build()).matching()).isEmpty();
        assertThat(rules.evaluate(TestSignals.unknown().build()).matching()).isEmpty();
        assertThat(rules.evaluate(TestSignals.healthy().build()).errors()).isEmpty();
    }

    @Test
    void idleQueryIsNeverStalledHoweverLongSinceProgress() {
        Signals idleForADay = TestSignals.idle().with(s -> {
            s.secondsSinceProgress = 86_400;
            s.watermarkDelaySeconds = 600;
        }).build();
        assertThat(rules.evaluate(idleForADay).matching()).isEmpty();
        // and no default rule tests seconds_since_progress at all: stalling is the exporter's status
        assertThat(rules.rules()).allSatisfy(rule -> assertThat(rule.condition().source()).doesNotContain("seconds_since_progress"));
    }

    @Test
    void stalledNeedsTheStatusNotJustATriggerWithoutProgress() {
        Signals slowButProgressing = TestSignals.healthy().with(s -> {
            s.triggerActive = true;
            s.secondsSinceProgress = 120;
        }).build();
        assertThat(rules.evaluate(slowButProgressing).matching()).isEmpty();
    }

    @Test
    void nearMissesDoNotFire() {
        Map<String, TestSignals> nearMisses = Map.of(
                "falling behind without input", TestSignals.healthy().with(s -> {
                    s.inputRate = 0;
                    s.processingRate = 0;
                    s.rateRatio = Double.NaN;
                }),
                "ratio 0.95", TestSignals.healthy().with(s -> s.rateRatio = 0.95),
                "large lag but shrinking (catching up)", TestSignals.healthy().with(s -> {
                    s.recordsBehind = 5_000_000;
                    s.timeBehindSeconds = 4000;
                    s.recordsBehindGrowthPerMinute = -50_000;
                }),
                "small lag growing", TestSignals.healthy().with(s -> {
                    s.recordsBehind = 5_000;
                    s.recordsBehindGrowthPerMinute = 100;
                }),
                "trigger interval 0 (as fast as possible)", TestSignals.healthy().with(s -> {
                    s.triggerIntervalSeconds = 0;
                    s.batchDurationSeconds = 60;
                }),
                "trigger interval unknown", TestSignals.healthy().with(s -> {
                    s.triggerIntervalSeconds = Double.NaN;
                    s.batchDurationSeconds = 60;
                }),
                "small state growing", TestSignals.healthy().with(s -> {
                    s.stateMemoryBytes = 100e6;
                    s.stateMemoryGrowthBytesPerMinute = 1e6;
                }),
                "large state stable", TestSignals.healthy().with(s -> {
                    s.stateMemoryBytes = 4e9;
                    s.stateMemoryGrowthBytesPerMinute = 0;
                }),
                "stopped query", TestSignals.healthy().with(s -> s.status = QueryStatus.STOPPED));
        nearMisses.forEach((what, signals) ->
                assertThat(rules.evaluate(signals.build()).matching()).as(what).isEmpty());
    }

    @Test
    void queryFailedSummaryHasTheExceptionsFirstLineAndErrorClass() {
        Signals failed = TestSignals.healthy().with(s -> {
            s.status = QueryStatus.FAILED;
            s.exceptionMessage = "org.apache.spark.SparkException: [TASK_WRITE_FAILED] Task failed while writing rows.\n\tat org.apache...";
            s.errorClass = "TASK_WRITE_FAILED";
            s.consecutiveFailures = 3;
        }).build();
        AlertUpdate update = new AlertTracker(rules).evaluate(QueryAlertState.empty(failed.queryId()), failed,
                Instant.parse("2025-03-01T12:00:00Z"));

        AlertTransition t = update.transitions().get(0);
        assertThat(t.annotations().get("summary")).isEqualTo("Query cough-syrup-alerts of job grocery-orders failed: "
                + "org.apache.spark.SparkException: [TASK_WRITE_FAILED] Task failed while writing rows.");
        assertThat(t.annotations().get("description"))
                .contains("Error class: TASK_WRITE_FAILED.")
                .contains("failed 3 runs in a row")
                .doesNotContain("\tat org.apache");
        assertThat(t.severity()).isEqualTo("critical");
        assertThat(t.receivers()).containsExactly("pagerduty", "email");
        assertThat(t.repeatInterval()).isEqualTo(Duration.ofHours(4));
    }

    @Test
    void forDurationsAreTheDocumentedOnes() {
        Map<String, String> expected = Map.of(
                "QueryFailed", "0s", "DriverLost", "0s", "QueryStalled", "2m", "QueryFallingBehind", "10m",
                "KafkaLagGrowing", "5m", "BatchSlowerThanTrigger", "10m", "WatermarkDelayHigh", "15m",
                "StateMemoryGrowing", "30m", "ListenerDroppingEvents", "0s");
        expected.forEach((name, forText) ->
                assertThat(DurationText.format(rules.rule(name).orElseThrow().forDuration())).as(name).isEqualTo(forText));
        assertThat(rules.rule("ListenerDroppingEvents").orElseThrow().keepFiringFor()).isEqualTo(Duration.ofMinutes(15));
    }
}
