package io.streamops.exporter.web;

import io.streamops.exporter.signals.Signals;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recent values of each query's charted signals, sampled from the latest signals at a fixed
 * interval, for the dashboard's charts. Bounded: a ring of {@link #capacity} samples per query, held in
 * primitive arrays (one int of time and {@link Series#COUNT} floats per sample), and a query that is no
 * longer sampled (stopped being owned here, or gone) is forgotten once its whole ring would have aged out.
 *
 * <p>Why a copy on the server rather than the state store's window or the browser: the state store's
 * per-query window ({@code QueryState.window}) is thinned to 32 samples, lacks batch duration, time behind
 * and watermark delay, and lives inside Kafka Streams' store (read by the stream thread only); a browser
 * that collected its own history would show empty charts whenever it opens a query. One ring per query
 * costs about {@link #bytesPerQuery} bytes (see docs/dashboard.md for the fleet measurement).
 */
public final class SignalHistory {
    /** The charted signals, in column order. */
    public enum Series {
        INPUT_RATE("inputRate"),
        PROCESSING_RATE("processingRate"),
        BATCH_DURATION_SECONDS("batchDurationSeconds"),
        RECORDS_BEHIND("recordsBehind"),
        TIME_BEHIND_SECONDS("timeBehindSeconds"),
        WATERMARK_DELAY_SECONDS("watermarkDelaySeconds"),
        STATE_ROWS("stateRows"),
        STATE_MEMORY_BYTES("stateMemoryBytes");

        static final int COUNT = values().length;
        final String jsonName;

        Series(String jsonName) {
            this.jsonName = jsonName;
        }

        float of(Signals s) {
            double v = switch (this) {
                case INPUT_RATE -> s.inputRate();
                case PROCESSING_RATE -> s.processingRate();
                case BATCH_DURATION_SECONDS -> s.batchDurationSeconds();
                case RECORDS_BEHIND -> s.recordsBehind();
                case TIME_BEHIND_SECONDS -> s.timeBehindSeconds();
                case WATERMARK_DELAY_SECONDS -> s.watermarkDelaySeconds();
                case STATE_ROWS -> s.stateRows();
                case STATE_MEMORY_BYTES -> s.stateMemoryBytes();
            };
            return (float) v;
        }
    }

    /** One query's samples, oldest first: epoch seconds and, per series, the values (null where unknown). */
    public record View(String queryId, long intervalSeconds, List<Long> t, Map<String, List<Float>> series) {
    }

    /** One query's ring. Guarded by its own monitor: the sampler writes, HTTP threads read. */
    private static final class Ring {
        final int[] seconds;
        final float[] values;
        int next;
        int size;
        long lastSampledAtMillis;

        Ring(int capacity) {
            seconds = new int[capacity];
            values = new float[capacity * Series.COUNT];
        }

        synchronized void add(long atMillis, Signals s) {
            seconds[next] = (int) (atMillis / 1000);
            for (Series series : Series.values()) {
                values[next * Series.COUNT + series.ordinal()] = series.of(s);
            }
            next = (next + 1) % seconds.length;
            size = Math.min(size + 1, seconds.length);
            lastSampledAtMillis = atMillis;
        }

        synchronized View view(String queryId, long intervalSeconds) {
            List<Long> t = new ArrayList<>(size);
            Map<String, List<Float>> columns = new LinkedHashMap<>();
            for (Series series : Series.values()) {
                columns.put(series.jsonName, new ArrayList<>(size));
            }
            int start = (next - size + seconds.length) % seconds.length;
            for (int i = 0; i < size; i++) {
                int slot = (start + i) % seconds.length;
                t.add(Integer.toUnsignedLong(seconds[slot]));
                for (Series series : Series.values()) {
                    float v = values[slot * Series.COUNT + series.ordinal()];
                    columns.get(series.jsonName).add(Float.isFinite(v) ? v : null);
                }
            }
            return new View(queryId, intervalSeconds, t, columns);
        }
    }

    private final Map<String, Ring> rings = new ConcurrentHashMap<>();
    private final int capacity;
    private final long intervalMillis;

    /**
     * @param capacity       samples kept per query
     * @param intervalMillis how often {@link #record} is called (used to age out queries no longer sampled)
     */
    public SignalHistory(int capacity, long intervalMillis) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2, was " + capacity);
        }
        this.capacity = capacity;
        this.intervalMillis = intervalMillis;
    }

    /** Adds one sample per query in {@code fleet} at {@code nowMillis}, and forgets queries not sampled for a whole ring. */
    public void record(Collection<Signals> fleet, long nowMillis) {
        for (Signals s : fleet) {
            rings.computeIfAbsent(s.queryId(), id -> new Ring(capacity)).add(nowMillis, s);
        }
        long forgetBefore = nowMillis - capacity * intervalMillis;
        rings.values().removeIf(ring -> {
            synchronized (ring) {
                return ring.lastSampledAtMillis < forgetBefore;
            }
        });
    }

    public Optional<View> of(String queryId) {
        Ring ring = rings.get(queryId);
        return ring == null ? Optional.empty() : Optional.of(ring.view(queryId, intervalMillis / 1000));
    }

    /** Queries with a ring. */
    public int size() {
        return rings.size();
    }

    public int capacity() {
        return capacity;
    }

    /** The arrays of one ring (object headers and map entry not counted). */
    public static long bytesPerQuery(int capacity) {
        return (long) capacity * Integer.BYTES + (long) capacity * Series.COUNT * Float.BYTES;
    }
}
