package io.streamops.exporter.streams;

import io.streamops.exporter.alert.RuleStage;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.event.QueryEvent;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.query.StatusPolicy;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.support.Json;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A query's record as the instance that takes over reads it back from the changelog: at every step of
 * a real recorded run (every query of the listener's end-to-end test, Kafka sources with partitions,
 * a stateful query, a failure), the restored record gives the same signals as the live one.
 */
class QueryRecordStoreFormatTest {
    private static final Serde<QueryRecord> STORE = Json.serde(QueryRecord.class);
    private static final Path RECORDED = Path.of("src", "test", "resources", "recorded", "listener-e2e-run.jsonl");

    private static QueryRecord restored(QueryRecord live) {
        return STORE.deserializer().deserialize("changelog", STORE.serializer().serialize("changelog", live));
    }

    @Test
    void aRecordReadBackFromTheStoreGivesTheSameSignalsAtEveryStep() throws Exception {
        EventParser parser = new EventParser(1024 * 1024);
        List<QueryEvent> events = new ArrayList<>();
        for (String line : Files.readAllLines(RECORDED, StandardCharsets.UTF_8)) {
            events.add(parser.parse(line.getBytes(StandardCharsets.UTF_8)).event());
        }
        events.sort(Comparator.comparing(QueryEvent::timestamp));
        RuleStage noRules = new RuleStage(io.streamops.exporter.rules.RulesLoader.parse("none.yaml", "rules: []\n"));
        QueryEvaluation evaluation = new QueryEvaluation(StatusPolicy.DEFAULT, () -> noRules, errors -> {
        });
        Map<String, QueryRecord> live = new LinkedHashMap<>();
        int compared = 0;
        int withPartitions = 0;
        for (QueryEvent e : events) {
            QueryRecord record = live.computeIfAbsent(e.queryId(), id -> new QueryRecord());
            // A record that has never seen progress must come back usable too.
            Instant before = e.timestamp();
            assertThat(restored(record).state.signals(before, StatusPolicy.DEFAULT))
                    .isEqualTo(record.state.signals(before, StatusPolicy.DEFAULT));
            evaluation.fold(record, e);
            Instant now = e.timestamp().plusSeconds(1);
            Signals expected = record.state.signals(now, StatusPolicy.DEFAULT);
            assertThat(restored(record).state.signals(now, StatusPolicy.DEFAULT)).as("after %s of %s", e.type(), e.queryName())
                    .isEqualTo(expected);
            compared++;
            if (expected.sources().stream().anyMatch(s -> !s.partitions().isEmpty())) {
                withPartitions++;
            }
        }
        assertThat(compared).isEqualTo(events.size()).isGreaterThan(200);
        assertThat(withPartitions).as("steps where a Kafka source reported partitions").isGreaterThan(10);
    }
}
