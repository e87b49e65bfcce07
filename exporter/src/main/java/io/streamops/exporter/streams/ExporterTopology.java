package io.streamops.exporter.streams;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.query.QueryCadence;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.support.Json;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * events topic (key: query id) -> per-query state and rules -> alerts topic (key: job).
 *
 * <p>The per-query store is backed by a changelog topic, so when an instance is lost another takes
 * over its partitions with their state and alert state intact ({@link QueryCadence} says when records
 * are saved). Side effects (mail, pages, restarts) live downstream of the alerts topic, outside this
 * topology. The signals each pass computes are published to {@link LatestSignals} for the endpoints.
 */
public final class ExporterTopology {
    public static final String STORE = "query-state";

    private ExporterTopology() {
    }

    public static Topology build(String eventsTopic, String alertsTopic, EventParser parser, QueryEvaluation evaluation,
                                 ExporterMetrics metrics, QueryCadence cadence, LatestSignals latest) {
        return build(eventsTopic, alertsTopic, parser, evaluation, metrics, cadence, latest, new BrokerBacklog());
    }

    /** As above, each task learning its backlog from {@code backlogs} (app configs, task id) instead of the broker. */
    static Topology build(String eventsTopic, String alertsTopic, EventParser parser, QueryEvaluation evaluation,
                          ExporterMetrics metrics, QueryCadence cadence, LatestSignals latest,
                          java.util.function.BiFunction<java.util.Map<String, Object>, String, Backlog> backlogs) {
        return build(eventsTopic, alertsTopic, parser, evaluation, metrics, cadence, latest, backlogs, new HeardTimeExtractor());
    }

    static Topology build(String eventsTopic, String alertsTopic, EventParser parser, QueryEvaluation evaluation,
                          ExporterMetrics metrics, QueryCadence cadence, LatestSignals latest,
                          java.util.function.BiFunction<java.util.Map<String, Object>, String, Backlog> backlogs,
                          org.apache.kafka.streams.processor.TimestampExtractor heardTime) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Json.serde(QueryRecord.class)));
        builder.stream(eventsTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withTimestampExtractor(heardTime))
                .process(() -> new QueryProcessor(STORE, parser, evaluation, metrics, cadence, latest, eventsTopic, backlogs), STORE)
                .to(alertsTopic, Produced.with(Serdes.String(), Json.serde(AlertTransition.class)));
        return builder.build();
    }
}
