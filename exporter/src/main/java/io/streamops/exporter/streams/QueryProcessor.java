package io.streamops.exporter.streams;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.alert.QueryAlertState;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.event.QueryEvent;
import io.streamops.exporter.query.QueryCadence;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.support.LogLimiter;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
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
import java.util.Optional;

/**
 * Per query: fold each event into its record. Started and terminated events, and the first event of a
 * new run, are evaluated and saved at once; every second (wall clock) a pass runs the rules on every
 * query this instance owns, for what progress and time reveal (falling behind, a stall, a lost driver),
 * saves records whose progress has waited long enough (see {@link QueryCadence}) and publishes the
 * signals it computed to {@link LatestSignals}. Emits alert transitions keyed by job, so one job's
 * alerts meet in one place downstream for grouping and inhibition.
 *
 * <p>Events are stamped with when they were heard, and silence is measured from that, never from the
 * driver's timestamps: a record the broker stamped ({@link HeardTimeExtractor}) was heard at its append
 * time moved onto our clock (by the smallest delay seen, see {@link #heardAt}), so a backlog keeps the
 * times its events arrived and a broker clock behind or ahead of ours changes nothing; any other record
 * (stamped by its producer, the driver) is heard when processed.
 * After the task starts (a restart, a deploy, a
 * takeover), and whenever it has fallen behind its partition, it judges no silence until it has read
 * what the partition held a few seconds ago ({@link CatchUp}): until then the passes save but do not
 * evaluate, and only a start or termination is evaluated, with silence not judged.
 */
final class QueryProcessor implements Processor<String, byte[], String, AlertTransition> {
    private static final Logger LOG = LoggerFactory.getLogger(QueryProcessor.class);

    private final String storeName;
    private final EventParser parser;
    private final QueryEvaluation evaluation;
    private final ExporterMetrics metrics;
    private final QueryCadence cadence;
    private final LatestSignals latest;
    private final String inputTopic;
    private final java.util.function.BiFunction<Map<String, Object>, String, Backlog> backlogs;
    /**
     * The smallest delay (our now minus the broker's append time) of any record this task has read since
     * it started: the difference between the broker's clock and ours, plus the quickest delivery.
     */
    private long brokerBehindMillis = Long.MAX_VALUE;
    private CatchUp catchUp;
    private final LogLimiter badEventWarnings = new LogLimiter(LOG); // one limiter per kind: one cannot hide the other
    private final LogLimiter failureWarnings = new LogLimiter(LOG);
    private ProcessorContext<String, AlertTransition> context;
    private KeyValueStore<String, QueryRecord> store;
    private Cancellable pass;
    /**
     * This task's records, decoded: the store (and its changelog) is what survives this instance, and
     * is written as {@link QueryCadence} says, but nothing is decoded again per event or per pass.
     */
    private final Map<String, QueryRecord> live = new HashMap<>();

    QueryProcessor(String storeName, EventParser parser, QueryEvaluation evaluation, ExporterMetrics metrics,
                   QueryCadence cadence, LatestSignals latest, String inputTopic,
                   java.util.function.BiFunction<Map<String, Object>, String, Backlog> backlogs) {
        this.inputTopic = inputTopic;
        this.backlogs = backlogs;
        this.storeName = storeName;
        this.parser = parser;
        this.evaluation = evaluation;
        this.metrics = metrics;
        this.cadence = cadence;
        this.latest = latest;
    }

    /**
     * Kafka Streams calls this once its task's store is restored, and again on the same object when the
     * task is revived (after an aborted transaction the store is wiped and restored): so start from the
     * store every time, never from what an earlier run of this object kept in memory.
     */
    @Override
    public void init(ProcessorContext<String, AlertTransition> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        brokerBehindMillis = Long.MAX_VALUE;
        live.clear();
        try (KeyValueIterator<String, QueryRecord> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, QueryRecord> next = all.next();
                live.put(next.key, next.value);
            }
        }
        if (pass != null) {
            pass.cancel();
        }
        if (catchUp != null) {
            catchUp.close();
        }
        catchUp = new CatchUp(backlog(context), new TopicPartition(inputTopic, context.taskId().partition()),
                context.currentSystemTimeMs(), evaluation.policy().driverLostAfter().toMillis());
        pass = context.schedule(cadence.evaluateEvery(), PunctuationType.WALL_CLOCK_TIME, this::evaluateAll);
    }

    private Backlog backlog(ProcessorContext<?, ?> context) {
        try {
            return backlogs.apply(context.appConfigs(), context.taskId().toString());
        } catch (RuntimeException e) {
            return Backlog.unknown(e);
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        metrics.consumed();
        context.recordMetadata().ifPresent(m -> catchUp.processed(m.offset()));
        EventParser.Result parsed = parser.parse(record.value());
        if (!parsed.ok()) {
            metrics.bad(parsed.problem());
            badEventWarnings.warn(null, "skipped a bad event at {}: {} ({})", where(), parsed.problem().wireName(),
                    parsed.detail());
            return;
        }
        QueryEvent event = parsed.event();
        QueryRecord entry = live.get(event.queryId());
        boolean created = entry == null;
        if (created) {
            entry = new QueryRecord();
        }
        boolean atOnce;
        Instant now = now();
        Instant heardAt = heardAt(record, now);
        try {
            atOnce = evaluation.fold(entry, event, heardAt);
        } catch (RuntimeException e) {
            // A new record stays out of `live` half-built; a known one keeps what it had (the next event repairs it).
            failed("fold", event.queryId(), event.job(), e, "folding a " + event.type().wireName() + " event at " + where());
            return;
        }
        if (created) {
            live.put(event.queryId(), entry);
        }
        entry.unsaved = true;
        if (atOnce) {
            // Evaluated now, as the passes are: alert times never go back to an event's older append time.
            evaluate(entry, now, catchUp.caughtUp(now.toEpochMilli()));
            save(event.queryId(), entry, now.toEpochMilli());
        }
    }

    private void evaluateAll(long wallClockMillis) {
        long start = System.nanoTime();
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        long saveBefore = wallClockMillis - cadence.saveProgressEvery().toMillis();
        if (!catchUp.caughtUp(wallClockMillis)) {
            // Still reading what the partition held (after a start, or fallen behind): no query is judged
            // (nor forgotten) on records that do not have its latest events yet; what was read is saved as usual.
            for (Map.Entry<String, QueryRecord> next : live.entrySet()) {
                if (next.getValue().unsaved && next.getValue().savedAtMillis <= saveBefore) {
                    save(next.getKey(), next.getValue(), wallClockMillis);
                }
            }
            metrics.pass().record(Duration.ofNanos(System.nanoTime() - start));
            return;
        }
        Map<String, Signals> seen = new HashMap<>(live.size() * 2);
        Map<String, QueryAlertState> alerts = new HashMap<>(live.size() * 2);
        for (var it = live.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, QueryRecord> next = it.next();
            QueryRecord entry = next.getValue();
            QueryEvaluation.Evaluated result = evaluate(entry, now, true);
            if (result != null && forget(next.getKey(), entry, result.signals(), now)) {
                it.remove();
                continue;
            }
            if (result != null) {
                seen.put(next.getKey(), result.signals());
                if (entry.alerts != null) {
                    alerts.put(next.getKey(), entry.alerts);
                }
            }
            // An idle fleet costs evaluations here, not a changelog write per query per second.
            if ((result != null && result.changed()) || (entry.unsaved && entry.savedAtMillis <= saveBefore)) {
                save(next.getKey(), entry, wallClockMillis);
            }
        }
        latest.publish(context.taskId().toString(), seen, alerts, wallClockMillis);
        metrics.pass().record(Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public void close() {
        if (pass != null) {
            pass.cancel();
        }
        if (catchUp != null) {
            catchUp.close();
        }
        latest.withdraw(context.taskId().toString());
    }

    /**
     * Runs the rules on one record and forwards its transitions. If the rules break, the signals still
     * come back (nothing fired, nothing changed); null only if the signals themselves cannot be computed.
     */
    private QueryEvaluation.Evaluated evaluate(QueryRecord entry, Instant now, boolean judgeSilence) {
        long start = System.nanoTime();
        QueryEvaluation.Evaluated result;
        Signals signals = null;
        try {
            signals = evaluation.signals(entry, now, judgeSilence);
            result = evaluation.evaluateTracked(entry, signals, now);
        } catch (RuntimeException e) {
            failed("evaluate", entry.state.queryId, entry.state.job, e, "evaluating it");
            return signals == null ? null : new QueryEvaluation.Evaluated(signals, List.of(), false);
        }
        metrics.evaluation().record(Duration.ofNanos(System.nanoTime() - start));
        List<AlertTransition> transitions = result.transitions();
        for (AlertTransition t : transitions) {
            context.forward(new Record<>(entry.state.job, t, now.toEpochMilli()));
        }
        metrics.transitions(transitions.size());
        return result;
    }

    /** Drops a query that ended longer than forget_after ago, resolving its firing alerts first. */
    private boolean forget(String queryId, QueryRecord entry, Signals signals, Instant now) {
        Optional<List<AlertTransition>> resolved;
        try {
            resolved = evaluation.forgetIfOver(entry, signals, now);
        } catch (RuntimeException e) {
            failed("evaluate", queryId, entry.state.job, e, "forgetting it");
            return false; // kept, and tried again next pass
        }
        if (resolved.isEmpty()) {
            return false;
        }
        for (AlertTransition t : resolved.get()) {
            context.forward(new Record<>(entry.state.job, t, now.toEpochMilli()));
        }
        metrics.transitions(resolved.get().size());
        store.delete(queryId);
        return true;
    }

    private void save(String queryId, QueryRecord entry, long nowMillis) {
        store.put(queryId, entry);
        entry.unsaved = false;
        entry.savedAtMillis = nowMillis;
        metrics.saved();
    }

    /**
     * An append time is on the broker's clock: compared with ours directly, a broker clock 5 minutes behind
     * made every event 5 minutes old (a false DriverLost). So it is moved onto our clock by the smallest
     * delay seen since the task started, which is never later than now. Known limit: a broker clock that
     * steps back while the task runs makes events look older by the step until the task restarts.
     */
    private Instant heardAt(Record<String, byte[]> record, Instant now) {
        if (!HeardTimeExtractor.appendedByBroker(record.headers())) {
            return now;
        }
        long delay = now.toEpochMilli() - record.timestamp();
        brokerBehindMillis = Math.min(brokerBehindMillis, delay);
        return now.minusMillis(delay - brokerBehindMillis);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    /**
     * Our own fold or rules threw on this query (a bug, or input the contract allows and we did not
     * foresee): counted by stage and logged, and the query and every other one keep going. Only
     * computation is guarded; Kafka's own exceptions (store, forward) go to Kafka Streams, which must
     * see them.
     */
    private void failed(String stage, String queryId, String job, RuntimeException e, String doing) {
        metrics.failed(stage);
        failureWarnings.warn(e, "query {} of job {}: {} failed: {}", queryId, job, doing, e.toString());
    }

    private String where() {
        return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("unknown position");
    }
}
