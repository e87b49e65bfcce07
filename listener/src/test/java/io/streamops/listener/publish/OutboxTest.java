package io.streamops.listener.publish;

import io.streamops.events.EventType;
import io.streamops.listener.publish.Outbox.Outgoing;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox's order when Kafka fails events and they come back for another try. */
class OutboxTest {
    private final List<Outgoing> dropped = new ArrayList<>();
    private final Outbox outbox = new Outbox(100, dropped::add);

    private static Outgoing event(EventType type, String query) {
        return new Outgoing(type, query, (query + ":" + type.wireName()).getBytes(StandardCharsets.UTF_8), 0L, 0);
    }

    private List<String> drain() throws InterruptedException {
        List<String> out = new ArrayList<>();
        Outgoing o;
        while ((o = outbox.poll(0, TimeUnit.MILLISECONDS)) != null) {
            out.add(new String(o.value, StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Issue 7, finding 5: the producer reports failures one callback at a time, oldest first (a broker
     * outage expires every batch in flight). Each failed event goes back; afterwards they must be sent
     * in the order they were first sent, so a run's started never follows its terminated.
     */
    @Test
    void eventsThatFailTogetherAreRetriedInTheirOriginalOrder() throws InterruptedException {
        Outgoing startedA = event(EventType.STARTED, "a");
        Outgoing startedB = event(EventType.STARTED, "b");
        Outgoing terminatedA = event(EventType.TERMINATED, "a");
        for (Outgoing o : java.util.Arrays.asList(startedA, startedB, terminatedA)) {
            outbox.add(o);
        }
        List<Outgoing> inFlight = new ArrayList<>();
        Outgoing o;
        while ((o = outbox.poll(0, TimeUnit.MILLISECONDS)) != null) {
            inFlight.add(o);
        }
        outbox.add(event(EventType.PROGRESS, "b")); // queued while those were in flight
        for (Outgoing failed : inFlight) {
            outbox.retry(failed);
        }

        assertThat(drain()).containsExactly("a:started", "b:started", "a:terminated", "b:progress");
    }

    @Test
    void aRetryComesBeforeEventsQueuedAfterIt() throws InterruptedException {
        Outgoing started = event(EventType.STARTED, "a");
        outbox.add(started);
        Outgoing inFlight = outbox.poll(0, TimeUnit.MILLISECONDS);
        outbox.add(event(EventType.TERMINATED, "a"));
        outbox.retry(inFlight);

        assertThat(drain()).containsExactly("a:started", "a:terminated");
    }

    @Test
    void aRetryCountsItsAttempts() throws InterruptedException {
        outbox.add(event(EventType.STARTED, "a"));
        Outgoing first = outbox.poll(0, TimeUnit.MILLISECONDS);
        outbox.retry(first);
        Outgoing second = outbox.poll(0, TimeUnit.MILLISECONDS);
        outbox.retry(second);
        assertThat(outbox.poll(0, TimeUnit.MILLISECONDS).attempt).isEqualTo(2);
        assertThat(dropped).isEmpty();
    }
}
