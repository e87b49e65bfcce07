package io.streamops.exporter.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamops.exporter.alert.AlertTracker;
import io.streamops.exporter.alert.AlertUpdate;
import io.streamops.exporter.alert.QueryAlertState;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.signals.TestSignals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The default rule set over 10,000 varied queries: every evaluation completes, without errors, and each
 * rule matches somewhere. A sanity check that nothing is pathologically slow, not a benchmark: no timing
 * is asserted (that belongs in BENCHMARKS.md), the rate is only printed to the test's output file.
 */
class DefaultRulesVolumeTest {

    @Test
    void defaultRulesOverTenThousandQueries() throws InvalidRulesException {
        RuleSet rules = RulesLoader.load(DefaultRulesTest.SHIPPED);
        AlertTracker tracker = new AlertTracker(rules);
        List<Signals> queries = randomQueries(10_000, new SplittableRandom(42));
        Instant now = Instant.parse("2025-03-01T12:00:00Z");

        Map<String, Integer> matchesPerRule = new HashMap<>();
        int errors = 0;
        long started = System.nanoTime();
        for (Signals signals : queries) {
            RuleSetEvaluation evaluation = rules.evaluate(signals);
            evaluation.matching().forEach(rule -> matchesPerRule.merge(rule.name(), 1, Integer::sum));
            errors += evaluation.errors().size();
            AlertUpdate update = tracker.evaluate(QueryAlertState.empty(signals.queryId()), signals, now);
            errors += update.errors().size();
        }
        long elapsedNanos = System.nanoTime() - started;

        assertThat(errors).isZero();
        assertThat(matchesPerRule).containsOnlyKeys(rules.rules().stream().map(Rule::name).toList());
        System.out.printf("%d queries x %d rules, each evaluated twice: %.1f us per rule evaluation (cold JIT)%n",
                queries.size(), rules.rules().size(), elapsedNanos / 1000.0 / (2.0 * queries.size() * rules.rules().size()));
    }

    /** Queries in every status with values on both sides of every default threshold, NaN included. */
    static List<Signals> randomQueries(int count, SplittableRandom random) {
        QueryStatus[] statuses = QueryStatus.values();
        List<Signals> queries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = i;
            queries.add(TestSignals.healthy().with(s -> {
                s.queryId = "query-" + n;
                s.job = "job-" + (n % 50);
                s.status = random.nextInt(4) == 0 ? statuses[random.nextInt(statuses.length)] : QueryStatus.ACTIVE;
                s.inputRate = maybeUnknown(random, random.nextDouble(0, 5000));
                s.processingRate = maybeUnknown(random, random.nextDouble(0, 5000));
                s.rateRatio = s.inputRate > 0 ? s.processingRate / s.inputRate : Double.NaN;
                s.triggerIntervalSeconds = maybeUnknown(random, random.nextInt(3) * 10.0);
                s.batchDurationSeconds = maybeUnknown(random, random.nextDouble(0, 30));
                s.recordsBehind = maybeUnknown(random, random.nextDouble(0, 400_000));
                s.recordsBehindGrowthPerMinute = maybeUnknown(random, random.nextDouble(-5_000, 5_000));
                s.timeBehindSeconds = s.recordsBehind / s.processingRate;
                s.watermarkDelaySeconds = maybeUnknown(random, random.nextDouble(0, 8_000));
                s.stateMemoryBytes = maybeUnknown(random, random.nextDouble(0, 1e9));
                s.stateMemoryGrowthBytesPerMinute = maybeUnknown(random, random.nextDouble(-1e6, 1e6));
                s.listenerDroppedEvents = random.nextInt(20) == 0 ? random.nextInt(1, 100) : 0;
                s.secondsSinceHeartbeat = random.nextDouble(0, 200);
                s.secondsSinceProgress = random.nextDouble(0, 2000);
                s.exceptionMessage = s.status == QueryStatus.FAILED ? "java.lang.RuntimeException: boom " + n : "";
            }).build());
        }
        return queries;
    }

    private static double maybeUnknown(SplittableRandom random, double value) {
        return random.nextInt(10) == 0 ? Double.NaN : value;
    }
}
