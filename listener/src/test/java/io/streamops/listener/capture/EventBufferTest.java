package io.streamops.listener.capture;

import io.streamops.events.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** {@link EventBuffer} with the agent's own items and lifecycle rule ({@link EventType#isLifecycle()}). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventBufferTest {
    private final List<CapturedEvent> dropped = new CopyOnWriteArrayList<>();

    private EventBuffer<CapturedEvent> buffer(int capacity) {
        return new EventBuffer<>(capacity, c -> c.type().isLifecycle(), dropped::add);
    }

    private static CapturedEvent event(EventType type, String label) {
        return new CapturedEvent(type, label, 0L, null);
    }

    private static List<CapturedEvent> drain(EventBuffer<CapturedEvent> buffer) throws InterruptedException {
        List<CapturedEvent> out = new ArrayList<>();
        CapturedEvent next;
        while ((next = buffer.poll(0, TimeUnit.MILLISECONDS)) != null) {
            out.add(next);
        }
        return out;
    }

    @Test
    void rejectsNonPositiveCapacity() {
        assertThatThrownBy(() -> buffer(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> buffer(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void firstInFirstOut() throws InterruptedException {
        EventBuffer<CapturedEvent> buffer = buffer(10);
        List<CapturedEvent> offered = new ArrayList<>();
        offered.add(event(EventType.STARTED, "s"));
        offered.add(event(EventType.PROGRESS, "p0"));
        offered.add(event(EventType.HEARTBEAT, "h0"));
        offered.add(event(EventType.PROGRESS, "p1"));
        offered.add(event(EventType.IDLE, "i0"));
        offered.add(event(EventType.TERMINATED, "t"));
        for (CapturedEvent e : offered) {
            assertThat(buffer.offer(e)).isTrue();
        }
        assertThat(buffer.size()).isEqualTo(offered.size());

        assertThat(drain(buffer)).containsExactlyElementsOf(offered);
        assertThat(buffer.size()).isZero();
        assertThat(dropped).isEmpty();
    }

    @Test
    void whenFullNewTelemetryReplacesTheOldestTelemetry() throws InterruptedException {
        EventBuffer<CapturedEvent> buffer = buffer(3);
        CapturedEvent started = event(EventType.STARTED, "started");
        CapturedEvent p0 = event(EventType.PROGRESS, "p0");
        CapturedEvent p1 = event(EventType.PROGRESS, "p1");
        for (CapturedEvent e : new CapturedEvent[] {started, p0, p1}) {
            assertThat(buffer.offer(e)).isTrue();
        }
        CapturedEvent idle = event(EventType.IDLE, "late-idle");
        CapturedEvent heartbeat = event(EventType.HEARTBEAT, "late-heartbeat");

        assertThat(buffer.offer(idle)).isTrue();
        assertThat(buffer.size()).isEqualTo(buffer.capacity());
        assertThat(buffer.offer(heartbeat)).isTrue();
        assertThat(buffer.size()).isEqualTo(buffer.capacity());

        // The freshest telemetry is kept; the lifecycle item is never the one to go.
        assertThat(dropped).containsExactly(p0, p1);
        assertThat(drain(buffer)).containsExactly(started, idle, heartbeat);
    }

    @Test
    void whenAllLifecycleNewTelemetryIsRefused() throws InterruptedException {
        EventBuffer<CapturedEvent> buffer = buffer(2);
        CapturedEvent s1 = event(EventType.STARTED, "s1");
        CapturedEvent t1 = event(EventType.TERMINATED, "t1");
        buffer.offer(s1);
        buffer.offer(t1);
        CapturedEvent progress = event(EventType.PROGRESS, "late-progress");

        assertThat(buffer.offer(progress)).isFalse();

        assertThat(dropped).containsExactly(progress);
        assertThat(drain(buffer)).containsExactly(s1, t1);
    }

    @Test
    void lifecycleEvictsTheOldestTelemetryItem() throws InterruptedException {
        EventBuffer<CapturedEvent> buffer = buffer(4);
        CapturedEvent started = event(EventType.STARTED, "started");
        CapturedEvent oldestTelemetry = event(EventType.PROGRESS, "p0");
        CapturedEvent heartbeat = event(EventType.HEARTBEAT, "h0");
        CapturedEvent newer = event(EventType.PROGRESS, "p1");
        for (CapturedEvent e : new CapturedEvent[] {started, oldestTelemetry, heartbeat, newer}) {
            assertThat(buffer.offer(e)).isTrue();
        }
        CapturedEvent terminated = event(EventType.TERMINATED, "terminated");

        assertThat(buffer.offer(terminated)).isTrue();

        assertThat(dropped).containsExactly(oldestTelemetry);
        assertThat(buffer.size()).isEqualTo(buffer.capacity());
        assertThat(drain(buffer)).containsExactly(started, heartbeat, newer, terminated);
    }

    @Test
    void lifecycleItemsEvictTelemetryOneAtATimeUntilOnlyLifecycleRemains() throws InterruptedException {
        EventBuffer<CapturedEvent> buffer = buffer(2);
        CapturedEvent p0 = event(EventType.PROGRESS, "p0");
        CapturedEvent p1 = event(EventType.IDLE, "i1");
        buffer.offer(p0);
        buffer.offer(p1);
        CapturedEvent s1 = event(EventType.STARTED, "s1");
        CapturedEvent s2 = event(EventType.STARTED, "s2");
        CapturedEvent t1 = event(EventType.TERMINATED, "t1");

        assertThat(buffer.offer(s1)).isTrue();
        assertThat(buffer.offer(s2)).isTrue();
        assertThat(buffer.offer(t1)).isFalse();

        assertThat(dropped).containsExactly(p0, p1, t1);
        assertThat(drain(buffer)).containsExactly(s1, s2);
    }

    @Test
    void whenAllLifecycleTheNewLifecycleItemIsRefused() throws InterruptedException {
        EventBuffer<CapturedEvent> buffer = buffer(2);
        CapturedEvent s1 = event(EventType.STARTED, "s1");
        CapturedEvent t1 = event(EventType.TERMINATED, "t1");
        buffer.offer(s1);
        buffer.offer(t1);
        CapturedEvent s2 = event(EventType.STARTED, "s2");

        assertThat(buffer.offer(s2)).isFalse();
        assertThat(buffer.offerFirst(s2)).isFalse();

        assertThat(dropped).containsExactly(s2, s2);
        assertThat(drain(buffer)).containsExactly(s1, t1);
    }

    @Test
    void offerFirstPutsTheItemAtTheHead() throws InterruptedException {
        EventBuffer<CapturedEvent> buffer = buffer(5);
        CapturedEvent a = event(EventType.PROGRESS, "a");
        CapturedEvent b = event(EventType.PROGRESS, "b");
        CapturedEvent retry = event(EventType.PROGRESS, "retry");
        buffer.offer(a);
        buffer.offer(b);

        assertThat(buffer.offerFirst(retry)).isTrue();

        assertThat(buffer.poll(0, TimeUnit.MILLISECONDS)).isSameAs(retry);
        assertThat(drain(buffer)).containsExactly(a, b);
    }

    @Test
    void offerFirstWhenFullFollowsTheSameDropRules() throws InterruptedException {
        EventBuffer<CapturedEvent> buffer = buffer(2);
        CapturedEvent a = event(EventType.PROGRESS, "a");
        CapturedEvent b = event(EventType.HEARTBEAT, "b");
        buffer.offer(a);
        buffer.offer(b);
        CapturedEvent telemetryRetry = event(EventType.PROGRESS, "retry");
        CapturedEvent lifecycleRetry = event(EventType.TERMINATED, "terminated-retry");

        assertThat(buffer.offerFirst(telemetryRetry)).isTrue();
        assertThat(buffer.offerFirst(lifecycleRetry)).isTrue();

        // Eviction takes telemetry from the head: the retried item is first in line, so it goes first.
        assertThat(dropped).containsExactly(a, telemetryRetry);
        assertThat(drain(buffer)).containsExactly(lifecycleRetry, b);
    }

    @Test
    void pollTimesOutWithNullWhenEmpty() throws InterruptedException {
        EventBuffer<CapturedEvent> buffer = buffer(3);
        long timeoutMs = 50;
        long start = System.nanoTime();

        CapturedEvent got = buffer.poll(timeoutMs, TimeUnit.MILLISECONDS);

        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(got).isNull();
        assertThat(elapsedMs).isGreaterThanOrEqualTo(timeoutMs);
        assertThat(buffer.poll(0, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void pollWakesUpWhenAnotherThreadOffers() throws Exception {
        EventBuffer<CapturedEvent> buffer = buffer(3);
        long pollTimeoutSeconds = 60; // far beyond the test's own timeout: only a wake-up can end it in time
        CountDownLatch aboutToPoll = new CountDownLatch(1);
        AtomicReference<Thread> consumerThread = new AtomicReference<>();
        ExecutorService consumer = Executors.newSingleThreadExecutor();
        try {
            Future<CapturedEvent> polled = consumer.submit(() -> {
                consumerThread.set(Thread.currentThread());
                aboutToPoll.countDown();
                return buffer.poll(pollTimeoutSeconds, TimeUnit.SECONDS);
            });
            assertThat(aboutToPoll.await(10, TimeUnit.SECONDS)).isTrue();
            awaitWaiting(consumerThread.get());
            assertThat(polled.isDone()).isFalse();
            CapturedEvent e = event(EventType.STARTED, "wake-up");
            long offeredAt = System.nanoTime();

            assertThat(buffer.offer(e)).isTrue();

            assertThat(polled.get(10, TimeUnit.SECONDS)).isSameAs(e);
            assertThat(System.nanoTime() - offeredAt).isLessThan(TimeUnit.SECONDS.toNanos(pollTimeoutSeconds));
            assertThat(buffer.size()).isZero();
        } finally {
            consumer.shutdownNow();
        }
    }

    @Test
    void dropListenerIsCalledOutsideTheLock() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            AtomicReference<EventBuffer<CapturedEvent>> ref = new AtomicReference<>();
            List<Integer> sizesSeenFromAnotherThread = new CopyOnWriteArrayList<>();
            EventBuffer<CapturedEvent> buffer = new EventBuffer<>(1, c -> c.type().isLifecycle(), item -> {
                // Another thread needs the buffer's lock: this would dead-lock if we were called holding it.
                try {
                    sizesSeenFromAnotherThread.add(other.submit(() -> ref.get().size()).get(10, TimeUnit.SECONDS));
                } catch (Exception e) {
                    throw new AssertionError("drop listener ran while the buffer's lock was held", e);
                }
            });
            ref.set(buffer);
            buffer.offer(event(EventType.PROGRESS, "p0"));

            assertThat(buffer.offer(event(EventType.PROGRESS, "p1"))).isTrue();  // evicts p0
            assertThat(buffer.offer(event(EventType.STARTED, "s"))).isTrue();    // evicts p1
            assertThat(buffer.offer(event(EventType.PROGRESS, "p2"))).isFalse(); // all lifecycle: refused

            assertThat(sizesSeenFromAnotherThread).containsExactly(1, 1, 1);
        } finally {
            other.shutdownNow();
        }
    }

    /**
     * Several producers offer while one consumer polls. Every item ends up either consumed or dropped,
     * exactly once; the buffer never holds more than its capacity; each producer's items that got
     * through arrive in the order it offered them.
     */
    @Test
    void concurrentProducersAndConsumerLoseNothingSilently() throws Exception {
        final int capacity = 64;
        final int producers = 4;
        final int perProducer = 20_000;
        final int total = producers * perProducer;
        AtomicIntegerArray consumedCount = new AtomicIntegerArray(total);
        AtomicIntegerArray droppedCount = new AtomicIntegerArray(total);
        AtomicInteger refusedByOffer = new AtomicInteger();
        AtomicInteger acceptedByOffer = new AtomicInteger();
        AtomicInteger maxSize = new AtomicInteger();
        CountDownLatch firstDrop = new CountDownLatch(1);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch producersDone = new CountDownLatch(producers);

        EventBuffer<CapturedEvent> buffer = new EventBuffer<>(capacity, c -> c.type().isLifecycle(), item -> {
            droppedCount.incrementAndGet((Integer) item.payload());
            firstDrop.countDown();
        });

        ExecutorService pool = Executors.newFixedThreadPool(producers + 1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                final int producer = p;
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    try {
                        for (int i = 0; i < perProducer; i++) {
                            int id = producer * perProducer + i;
                            EventType type = i % 10 == 0 ? EventType.STARTED
                                    : i % 10 == 5 ? EventType.TERMINATED : EventType.PROGRESS;
                            if (buffer.offer(new CapturedEvent(type, id, 0L, null))) {
                                acceptedByOffer.incrementAndGet();
                            } else {
                                refusedByOffer.incrementAndGet();
                            }
                            maxSize.accumulateAndGet(buffer.size(), Math::max);
                        }
                    } finally {
                        producersDone.countDown();
                    }
                    return null;
                }));
            }
            List<Integer> consumedOrder = Collections.synchronizedList(new ArrayList<>());
            Future<?> consumer = pool.submit((Callable<Void>) () -> {
                // Let the producers fill the buffer first, so that dropping is certain to be exercised.
                firstDrop.await();
                while (true) {
                    CapturedEvent next = buffer.poll(5, TimeUnit.MILLISECONDS);
                    maxSize.accumulateAndGet(buffer.size(), Math::max);
                    if (next != null) {
                        int id = (Integer) next.payload();
                        consumedCount.incrementAndGet(id);
                        consumedOrder.add(id);
                    } else if (producersDone.getCount() == 0 && buffer.size() == 0) {
                        return null;
                    }
                }
            });

            start.countDown();
            for (Future<?> f : futures) {
                f.get(20, TimeUnit.SECONDS);
            }
            consumer.get(20, TimeUnit.SECONDS);

            int consumed = 0;
            int droppedTotal = 0;
            for (int id = 0; id < total; id++) {
                int c = consumedCount.get(id);
                int d = droppedCount.get(id);
                if (c + d != 1) {
                    fail("item " + id + " consumed " + c + " times and dropped " + d + " times");
                }
                consumed += c;
                droppedTotal += d;
            }
            assertThat(consumed + droppedTotal).isEqualTo(total);
            assertThat(acceptedByOffer.get() + refusedByOffer.get()).isEqualTo(total);
            assertThat(droppedTotal).isGreaterThanOrEqualTo(refusedByOffer.get()).isPositive();
            // Evicted items were accepted first and dropped later.
            assertThat(consumed).isEqualTo(acceptedByOffer.get() - (droppedTotal - refusedByOffer.get()));
            assertThat(maxSize.get()).isLessThanOrEqualTo(capacity).isPositive();
            assertThat(buffer.size()).isZero();

            int[] lastSeen = new int[producers];
            Arrays.fill(lastSeen, -1);
            for (int id : consumedOrder) {
                int producer = id / perProducer;
                assertThat(id).as("FIFO per producer").isGreaterThan(lastSeen[producer]);
                lastSeen[producer] = id;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits (without sleeping) until {@code thread} is parked in a wait, i.e. inside poll's timed wait. */
    private static void awaitWaiting(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                fail("consumer never started waiting; state " + thread.getState());
            }
            Thread.yield();
        }
    }
}
