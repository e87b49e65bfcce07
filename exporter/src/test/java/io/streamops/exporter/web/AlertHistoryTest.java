package io.streamops.exporter.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.http.ExporterHttpServer;
import io.streamops.exporter.route.RouterLoop;
import io.streamops.exporter.support.Json;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert history is built from the transitions the router takes in, at the times they state: nothing is
 * sampled, so an alert that fires and resolves between two of the dashboard's samples is there, exactly.
 */
class AlertHistoryTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private static AlertTransition transition(String rule, String job, String query, AlertPhase phase, Instant startsAt,
                                              Instant endsAt, Instant at) {
        return new AlertTransition(AlertTransition.fingerprint(rule, query), rule, phase, "critical",
                Map.of("alertname", rule, "job", job, "query", query, "query_id", query),
                Map.of("summary", query + " failed"), Map.of(), List.of(), Duration.ofHours(4), true, startsAt, endsAt, at);
    }

    private static AlertTransition firing(String rule, String query, Instant startsAt) {
        return transition(rule, "grocery", query, AlertPhase.FIRING, startsAt, null, startsAt.plusMillis(40));
    }

    private static AlertTransition resolved(String rule, String query, Instant startsAt, Instant endsAt) {
        return transition(rule, "grocery", query, AlertPhase.RESOLVED, startsAt, endsAt, endsAt.plusMillis(40));
    }

    @Test
    void anAlertThatFiresAndResolvesWithinOneSampleIsInTheApiWithItsExactTimes() throws Exception {
        Instant fired = Instant.now().minusSeconds(1).plusNanos(123_000_000);
        Instant ended = fired.plusMillis(350);
        assertThat(Duration.between(fired, ended)).isLessThan(Dashboard.SAMPLE_INTERVAL);
        AlertHistory history = new AlertHistory(Dashboard.ALERT_HISTORY);
        List<AlertTransition> ownerGot = new ArrayList<>();
        List<String> ownerCalls = new ArrayList<>();
        RouterLoop.OwnerActions router = history.alongside(new RouterLoop.OwnerActions() {
            @Override
            public void fresh(AlertTransition transition) {
                ownerGot.add(transition);
            }

            @Override
            public void pass(java.util.function.Predicate<String> ownsJob) {
                ownerCalls.add("pass");
            }
        });
        try (ExporterHttpServer server = new ExporterHttpServer("127.0.0.1", 0, Optional.empty(), () -> "", () -> true);
             Dashboard dashboard = Dashboard.serve(server, List::of, List::of, history, new SimpleMeterRegistry(),
                     Optional.empty(), List.of(), Optional.empty())) {
            router.fresh(firing("QueryFailed", "q1", fired));
            router.fresh(resolved("QueryFailed", "q1", fired, ended));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/alert-history")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = Json.MAPPER.readTree(r.body());
            assertThat(body.path("firingTotal").asInt()).isZero();
            List<Tuple> entries = new ArrayList<>();
            body.path("history").forEach(e -> entries.add(Tuple.tuple(e.path("phase").asText(), e.path("alertname").asText(),
                    Instant.parse(e.path("at").asText()))));
            assertThat(entries).containsExactly(Tuple.tuple("resolved", "QueryFailed", ended), Tuple.tuple("firing", "QueryFailed", fired));
            router.pass(job -> true);
            assertThat(ownerGot).as("the restart controller still gets every transition").extracting(AlertTransition::phase)
                    .containsExactly(AlertPhase.FIRING, AlertPhase.RESOLVED);
            assertThat(ownerCalls).containsExactly("pass");
        }
    }

    @Test
    void entriesListNewestFirstInOneOrderWhateverOrderTheyArrivedIn() {
        List<AlertTransition> transitions = List.of(
                firing("QueryFailed", "q1", T0),
                firing("QueryStalled", "q2", T0.plusSeconds(5)),
                firing("QueryStalled", "q3", T0.plusSeconds(5)),
                resolved("QueryFailed", "q1", T0, T0.plusSeconds(10)),
                firing("QueryFailed", "q1", T0.plusSeconds(10)),
                transition("QueryFailed", "grocery", "q9", AlertPhase.PENDING, T0.plusSeconds(11), null, T0.plusSeconds(11)));
        List<Tuple> expected = List.of(
                Tuple.tuple("resolved", "q1", T0.plusSeconds(10)), // the same moment: the resolve, then the re-firing
                Tuple.tuple("firing", "q1", T0.plusSeconds(10)),
                Tuple.tuple("firing", "q2", T0.plusSeconds(5)),
                Tuple.tuple("firing", "q3", T0.plusSeconds(5)),
                Tuple.tuple("firing", "q1", T0));
        for (List<AlertTransition> order : List.of(transitions, reversed(transitions))) {
            AlertHistory history = new AlertHistory(10);
            order.forEach(history::record);
            assertThat(history.recent(10)).as("arrival order %s", order.stream().map(AlertTransition::at).toList())
                    .extracting(AlertHistory.Entry::phase, AlertHistory.Entry::query, AlertHistory.Entry::at)
                    .containsExactlyElementsOf(expected);
            assertThat(history.recent(2)).hasSize(2);
        }
    }

    @Test
    void theHistoryKeepsTheNewestUpToItsCapacity() {
        AlertHistory history = new AlertHistory(3);
        for (int i = 0; i < 5; i++) {
            history.record(firing("R" + i, "q", T0.plusSeconds(100 + i)));
        }
        history.record(firing("Old", "q", T0)); // older than all it keeps: not kept
        assertThat(history.recent(10)).extracting(AlertHistory.Entry::alertname).containsExactly("R4", "R3", "R2");
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> out = new ArrayList<>(list);
        java.util.Collections.reverse(out);
        return out;
    }
}
