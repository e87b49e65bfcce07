package io.streamops.exporter.benchmarks;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.cumulative.CumulativeCounter;
import io.micrometer.core.instrument.cumulative.CumulativeTimer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.concurrent.TimeUnit;

/**
 * A meter registry for the exporter's own {@code ExporterMetrics} that also notes when things happen,
 * so the benchmark times the real topology without touching it.
 *
 * <p>{@code QueryProcessor.process} counts an event as consumed first thing, then parses and folds it
 * (and evaluates it at once if it is a start or a termination); progress is evaluated by the
 * once-a-second pass over every query, which records its time when it ends. So: the first "consumed"
 * marks the first record consumed; once "consumed" has reached the target, the end of the next pass is
 * when the last record's effect has been evaluated (a punctuation never runs inside {@code process}).
 */
final class MarkingRegistry extends SimpleMeterRegistry {
    static final String CONSUMED = "streamops.exporter.events.consumed";
    static final String EVALUATION = "streamops.exporter.rule.evaluation";
    static final String PASS = "streamops.exporter.evaluation.pass";

    private final long target;
    private volatile long consumed;
    private volatile long firstConsumedNanos;
    private volatile long lastEvaluatedNanos;
    private volatile long evaluations;

    MarkingRegistry(long target) {
        super(SimpleConfig.DEFAULT, Clock.SYSTEM);
        this.target = target;
    }

    long consumed() {
        return consumed;
    }

    long evaluations() {
        return evaluations;
    }

    long firstConsumedNanos() {
        return firstConsumedNanos;
    }

    /** 0 until the target-th event has been evaluated. */
    long lastEvaluatedNanos() {
        return lastEvaluatedNanos;
    }

    @Override
    protected Counter newCounter(Meter.Id id) {
        if (!id.getName().equals(CONSUMED)) {
            return super.newCounter(id);
        }
        return new CumulativeCounter(id) {
            @Override
            public void increment(double amount) {
                long now = System.nanoTime();
                if (consumed == 0) {
                    firstConsumedNanos = now;
                }
                consumed = consumed + (long) amount; // one stream thread: no lost updates
                super.increment(amount);
            }
        };
    }

    @Override
    protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
        if (id.getName().equals(EVALUATION)) {
            return new CumulativeTimer(id, clock, config, pauseDetector, getBaseTimeUnit(), false) {
                @Override
                protected void recordNonNegative(long amount, TimeUnit unit) {
                    super.recordNonNegative(amount, unit);
                    evaluations = evaluations + 1;
                }
            };
        }
        if (id.getName().equals(PASS)) {
            return new CumulativeTimer(id, clock, config, pauseDetector, getBaseTimeUnit(), false) {
                @Override
                protected void recordNonNegative(long amount, TimeUnit unit) {
                    super.recordNonNegative(amount, unit);
                    if (lastEvaluatedNanos == 0 && consumed >= target) {
                        lastEvaluatedNanos = System.nanoTime();
                    }
                }
            };
        }
        return super.newTimer(id, config, pauseDetector);
    }
}
