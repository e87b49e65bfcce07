package io.streamops.exporter.query;

import io.streamops.events.AppIdentity;
import io.streamops.events.EventType;
import io.streamops.events.QueryIdentity;
import io.streamops.events.StartedEvent;
import io.streamops.events.TerminatedEvent;
import io.streamops.events.Termination;
import io.streamops.exporter.event.QueryEvent;
import io.streamops.exporter.signals.QueryStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Folding events into one query's state, where the order they arrive in is not the order they happened in. */
class QueryStateTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private static QueryEvent event(EventType type, String runId, Instant at) {
        var app = new AppIdentity("app-1", "orders", "orders-job", "driver-1", "3.5.7", "dev", Map.of());
        var query = new QueryIdentity("q-1", runId, "orders");
        String id = runId + ":" + type.wireName();
        switch (type) {
            case TERMINATED:
                return QueryEvent.of(new TerminatedEvent(id, at.toString(), at.toString(), app, query, Termination.of(null, null)));
            case STARTED:
                return QueryEvent.of(new StartedEvent(id, at.toString(), at.toString(), app, query));
            default:
                throw new IllegalArgumentException("this helper makes started and terminated events only, not " + type);
        }
    }

    /**
     * A listener that retried its started event after the run's terminated had gone through (issue 7,
     * finding 5): the late started must not re-open the run as active, which then paged DriverLost.
     */
    @Test
    void aStartedArrivingAfterItsRunTerminatedDoesNotReopenTheRun() {
        QueryState state = new QueryState();
        StatusPolicy policy = StatusPolicy.DEFAULT;
        state.apply(event(EventType.TERMINATED, "run-1", T0.plusSeconds(30)), policy, T0.plusSeconds(30).toEpochMilli());
        state.apply(event(EventType.STARTED, "run-1", T0), policy, T0.plusSeconds(31).toEpochMilli());

        Instant muchLater = T0.plusSeconds(600);
        assertThat(state.status(muchLater, policy)).isEqualTo(QueryStatus.STOPPED);
        assertThat(state.endedRunId).isEqualTo("run-1");
    }

    @Test
    void theStartedOfTheNextRunStillOpensIt() {
        QueryState state = new QueryState();
        StatusPolicy policy = StatusPolicy.DEFAULT;
        state.apply(event(EventType.STARTED, "run-1", T0), policy, T0.toEpochMilli());
        state.apply(event(EventType.TERMINATED, "run-1", T0.plusSeconds(30)), policy, T0.plusSeconds(30).toEpochMilli());
        state.apply(event(EventType.STARTED, "run-2", T0.plusSeconds(40)), policy, T0.plusSeconds(40).toEpochMilli());

        assertThat(state.runId).isEqualTo("run-2");
        assertThat(state.status(T0.plusSeconds(41), policy)).isEqualTo(QueryStatus.ACTIVE);
    }
}
