package io.streamops.exporter.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamops.events.MalformedEventException.Problem;

import java.util.EnumMap;
import java.util.Map;

/** The exporter's health as its own metrics: what it consumed, what it skipped, how long rules took. */
public final class ExporterMetrics {
    private final Counter consumed;
    private final Map<Problem, Counter> bad = new EnumMap<>(Problem.class);
    private final Map<String, Counter> failures = new java.util.HashMap<>();
    private final Timer evaluation;
    private final Timer pass;
    private final Counter saved;
    private final Counter transitions;
    private final MeterRegistry registry;

    public ExporterMetrics(MeterRegistry registry) {
        this.registry = registry;
        consumed = Counter.builder("streamops.exporter.events.consumed").description("Events read from the events topic")
                .register(registry);
        for (Problem p : Problem.values()) {
            bad.put(p, Counter.builder("streamops.exporter.events.bad").description("Events skipped as unusable")
                    .tag("reason", p.wireName()).register(registry));
        }
        for (String stage : new String[] {"fold", "evaluate"}) {
            failures.put(stage, Counter.builder("streamops.exporter.processing.failures")
                    .description("Our own code threw while folding an event or evaluating a query (logged with the exception); the query keeps going")
                    .tag("stage", stage).register(registry));
        }
        evaluation = Timer.builder("streamops.exporter.rule.evaluation").description("Rule evaluation of one query")
                .register(registry);
        pass = Timer.builder("streamops.exporter.evaluation.pass")
                .description("The once-a-second rule evaluation of every query an instance owns").register(registry);
        saved = Counter.builder("streamops.exporter.state.saves")
                .description("Query records written to the state store and its changelog").register(registry);
        transitions = Counter.builder("streamops.exporter.alert.transitions").description("Alerts that started firing or resolved")
                .register(registry);
    }

    public void consumed() {
        consumed.increment();
    }

    public void bad(Problem problem) {
        bad.get(problem).increment();
    }

    /** {@code stage}: "fold" (one event) or "evaluate" (one query's rules). */
    public void failed(String stage) {
        failures.get(stage).increment();
    }

    public Timer evaluation() {
        return evaluation;
    }

    public Timer pass() {
        return pass;
    }

    public void saved() {
        saved.increment();
    }

    /** A rule's condition or annotation failed at run time on one query (counted as not matching). */
    public void ruleFailed(String rule) {
        Counter.builder("streamops.exporter.rule.errors")
                .description("Rule expressions that failed at run time (the rule counts as not matching), by rule")
                .tag("rule", rule).register(registry).increment();
    }

    public void transitions(int n) {
        transitions.increment(n);
    }
}
