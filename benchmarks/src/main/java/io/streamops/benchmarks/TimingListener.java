package io.streamops.benchmarks;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.spark.sql.streaming.StreamingQueryListener;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only listener the benchmark registers: it hands every event to the listener under test and
 * times exactly the delegate's {@code onQueryProgress} with {@link System#nanoTime()}, on Spark's
 * listener-bus thread, into an HdrHistogram. The other callbacks are passed through untimed.
 *
 * <p>Beside that wall time it records the bus thread's CPU time over the same call (read just outside
 * the wall-clock reads): on a loaded machine a call can be descheduled or stopped by GC mid-way, and
 * the difference tells such waits apart from work the listener did.
 */
final class TimingListener extends StreamingQueryListener {
    private final StreamingQueryListener delegate;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Recorder recorder = new Recorder(3);
    private final Recorder cpuRecorder = new Recorder(3);
    private final AtomicLong threw = new AtomicLong();
    private volatile long inFlightSince;
    private volatile String lastError;

    TimingListener(StreamingQueryListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
        delegate.onQueryStarted(event);
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        inFlightSince = start;
        try {
            delegate.onQueryProgress(event);
        } catch (RuntimeException e) {
            threw.incrementAndGet();
            lastError = e.toString();
            throw e; // as without the wrapper: Spark's bus logs it and goes on
        } finally {
            long took = System.nanoTime() - start;
            long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
            inFlightSince = 0;
            recorder.recordValue(took);
            cpuRecorder.recordValue(Math.max(0, cpu));
        }
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {
        delegate.onQueryIdle(event);
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
        delegate.onQueryTerminated(event);
    }

    /** Starts a fresh measurement window: everything recorded so far (warm-up) is discarded. */
    void startWindow() {
        recorder.reset();
        cpuRecorder.reset();
        threw.set(0);
    }

    /** Wall time of the calls that completed since {@link #startWindow}, in nanoseconds; then {@link #cpuWindow}. */
    Histogram endWindow() {
        return recorder.getIntervalHistogram();
    }

    /** The bus thread's CPU time in the same calls, in nanoseconds (call after {@link #endWindow}). */
    Histogram cpuWindow() {
        return cpuRecorder.getIntervalHistogram();
    }

    long threw() {
        return threw.get();
    }

    String lastError() {
        return lastError;
    }

    /** How long the call on the bus thread right now has been running, in ms; 0 if none is. */
    long inFlightMillis() {
        long since = inFlightSince;
        return since == 0 ? 0 : (System.nanoTime() - since) / 1_000_000;
    }
}
