package io.streamops.exporter.streams;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.event.QueryEvent;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per query: fold each event into its state, then run the rules; every second (wall clock), run the
 * rules on every query this instance owns, for what only time reveals (a stall, a lost driver).
 * Emits alert transitions keyed by job, so one job's alerts meet in one place downstream for grouping
 * and inhibition.
 */
final class QueryProcessor implements Processor<String, byte[], String, AlertTransition> {
    private static final Logger LOG = LoggerFactory.getLogger(QueryProcessor.class);

    private final String storeName;
    private final EventParser parser;
    private final QueryEvaluation evaluation;
    private final ExporterMetrics metrics;
    private final Duration evaluationInterval;
    private ProcessorContext<String, AlertTransition> context;
    private KeyValueStore<String, QueryRecord> store;
    /**
     * This task's records, decoded: the store (and its changelog) stays the source of truth and is
     * written through on every change, but nothing is decoded again per event or per second.
     * Kafka Streams initialises a processor only after its task's store is restored.
     */
    private final Map<String, QueryRecord> live = new HashMap<>();
    private long nextBadEventLogMillis;
    private long suppressedBadEventLogs;

    QueryProcessor(String storeName, EventParser parser, QueryEvaluation evaluation, ExporterMetrics metrics,
                   Duration evaluationInterval) {
        this.storeName = storeName;
        this.parser = parser;
        this.evaluation = evaluation;
        this.metrics = metrics;
        this.evaluationInterval = evaluationInterval;
    }

    @Override
    public void init(ProcessorContext<String, AlertTransition> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        try (KeyValueIterator<String, QueryRecord> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, QueryRecord> next = all.next();
                live.put(next.key, next.value);
            }
        }
        context.schedule(evaluationInterval, PunctuationType.WALL_CLOCK_TIME, this::evaluateAll);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        metrics.consumed();
        EventParser.Result parsed = parser.parse(record.value());
        if (!parsed.ok()) {
            metrics.bad(parsed.problem());
            logBadEvent(parsed, record);
            return;
        }
        QueryEvent event = parsed.event();
        QueryRecord entry = live.computeIfAbsent(event.queryId(), id -> new QueryRecord());
        evaluation.fold(entry, event);
        evaluate(event.queryId(), entry, now(), true);
    }

    private void evaluateAll(long wallClockMillis) {
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        for (Map.Entry<String, QueryRecord> next : live.entrySet()) {
            // Only time passes here: the record is written back only if its alerts changed, so an
            // idle fleet costs evaluations, not a changelog write per query per second.
            evaluate(next.getKey(), next.getValue(), now, false);
        }
    }

    private void evaluate(String queryId, QueryRecord entry, Instant now, boolean stateChanged) {
        long start = System.nanoTime();
        QueryEvaluation.Evaluated result = evaluation.evaluateTracked(entry, now);
        metrics.evaluation().record(Duration.ofNanos(System.nanoTime() - start));
        if (stateChanged || result.changed()) {
            store.put(queryId, entry);
        }
        List<AlertTransition> transitions = result.transitions();
        for (AlertTransition t : transitions) {
            context.forward(new Record<>(entry.state.job, t, now.toEpochMilli()));
        }
        metrics.transitions(transitions.size());
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    /** At most one line per 10 s, naming partition and offset, so a flood of bad input cannot flood the log. */
    private void logBadEvent(EventParser.Result parsed, Record<String, byte[]> record) {
        long nowMillis = System.currentTimeMillis();
        if (nowMillis < nextBadEventLogMillis) {
            suppressedBadEventLogs++;
            return;
        }
        String where = context.recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("unknown position");
        LOG.warn("skipped a bad event at {}: {} ({}){}", where, parsed.problem().name().toLowerCase(), parsed.detail(),
                suppressedBadEventLogs > 0 ? "; " + suppressedBadEventLogs + " more skipped since the last report" : "");
        suppressedBadEventLogs = 0;
        nextBadEventLogMillis = nowMillis + 10_000;
    }
}
