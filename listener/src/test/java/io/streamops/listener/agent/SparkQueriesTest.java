package io.streamops.listener.agent;

import org.junit.jupiter.api.Test;
import scala.Option;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** How the heartbeat's query lookup takes a Spark that lacks its internal accessors, and one that fails now and then. */
class SparkQueriesTest {

    /** Has a session's {@code sharedState()}, but what it returns lacks {@code activeStreamingQueries()}. */
    public static final class SessionOfAnotherSpark {
        int calls;

        public Object sharedState() {
            calls++;
            return new Object();
        }
    }

    /** A session whose {@code sharedState()} fails this time, as Spark's own code may while a query stops. */
    public static final class FailingSession {
        int calls;

        public Object sharedState() {
            calls++;
            throw new IllegalStateException("stopping");
        }
    }

    @Test
    void aMissingAccessorIsRememberedAndNotLookedUpOnEveryHeartbeat() {
        SparkQueries queries = new SparkQueries();
        SessionOfAnotherSpark session = new SessionOfAnotherSpark();

        assertThat(queries.observeIn(UUID.randomUUID(), Option.apply(session))).isNull();
        assertThat(queries.unreachable()).isInstanceOf(NoSuchMethodException.class)
                .hasMessage("java.lang.Object.activeStreamingQueries()");
        assertThat(session.calls).isEqualTo(1);

        for (int heartbeat = 0; heartbeat < 3; heartbeat++) {
            assertThat(queries.observeIn(UUID.randomUUID(), Option.apply(session))).isNull();
        }
        assertThat(session.calls).as("calls into Spark after the first failure").isEqualTo(1);
    }

    @Test
    void aFailureInsideSparkConcernsThatHeartbeatOnly() {
        SparkQueries queries = new SparkQueries();
        FailingSession session = new FailingSession();

        assertThat(queries.observeIn(UUID.randomUUID(), Option.apply(session))).isNull();
        assertThat(queries.observeIn(UUID.randomUUID(), Option.apply(session))).isNull();
        assertThat(session.calls).as("tried again on the next heartbeat").isEqualTo(2);
        assertThat(queries.unreachable()).isNull();
    }

    @Test
    void noSessionIsNoQueryNotAMissingSpark() {
        SparkQueries queries = new SparkQueries();
        assertThat(queries.observeIn(UUID.randomUUID(), Option.empty(), null)).isNull();
        assertThat(queries.unreachable()).isNull();
    }
}
