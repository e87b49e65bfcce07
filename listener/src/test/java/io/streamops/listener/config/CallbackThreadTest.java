package io.streamops.listener.config;

import io.streamops.listener.StreamOpsListener;
import io.streamops.listener.agent.StreamOpsAgent;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryStartedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, finding 7: a listener callback runs on Spark's threads (a query's start() waits for
 * onQueryStarted), so it only hands the event over. The local host name lookup (seconds, when DNS is
 * slow) and the agent's construction happen on our own threads. Seen through the host name lookup,
 * which the test replaces to note the thread it runs on, and the name of the thread that built the agent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallbackThreadTest {
    private final Supplier<String> original = AppInfo.localHostName;

    @AfterEach
    void restore() {
        StreamOpsAgent.shutdown();
        AppInfo.localHostName = original;
    }

    @Test
    void aCallbackReturnsWithoutLookingUpTheHostNameOrBuildingTheAgent() throws Exception {
        List<String> lookedUpOn = new CopyOnWriteArrayList<>();
        CountDownLatch lookedUp = new CountDownLatch(1);
        AppInfo.localHostName = () -> {
            lookedUpOn.add(Thread.currentThread().getName());
            lookedUp.countDown();
            return "looked-up-host";
        };
        // No spark.driver.host: the host name has to be looked up for this listener's events.
        SparkConf conf = new SparkConf(false).setAppName("callback-thread")
                .set("spark.streamops.shutdown.flush.timeout", "1s");
        StreamOpsListener listener = new StreamOpsListener(conf);
        String sparkThread = Thread.currentThread().getName();

        listener.onQueryStarted(new QueryStartedEvent(UUID.randomUUID(), UUID.randomUUID(), "orders", "2026-12-03T10:00:00.000Z"));

        assertThat(lookedUpOn).as("threads the host name was looked up on, once the callback returned").doesNotContain(sparkThread);
        assertThat(lookedUp.await(30, TimeUnit.SECONDS)).as("the host name looked up for the event, on our thread").isTrue();
        assertThat(lookedUpOn).doesNotContain(sparkThread);
        StreamOpsAgent agent = StreamOpsAgent.current();
        assertThat(agent).as("the agent, up once the event was read").isNotNull();
        assertThat(agent.startedOn()).as("the thread that built the agent").isNotEqualTo(sparkThread).startsWith("streamops-");
    }
}
