package io.streamops.exporter.support;

import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

import java.util.function.LongSupplier;

/**
 * Logs a kind of warning at most once every 10 s, saying how many were held back since, so a flood
 * (bad input, a rule that fails on every query every second) cannot flood the log. Use one limiter per
 * kind, so that one kind cannot hide another. Thread-safe.
 */
public final class LogLimiter {
    private static final long INTERVAL_MILLIS = 10_000;

    private final Logger log;
    private final LongSupplier clockMillis;
    private long nextMillis;
    private long suppressed;

    public LogLimiter(Logger log) {
        this(log, System::currentTimeMillis);
    }

    LogLimiter(Logger log, LongSupplier clockMillis) {
        this.log = log;
        this.clockMillis = clockMillis;
    }

    /** Like {@code log.warn(format, args)}, with {@code cause}'s stack trace when it is not null. */
    public synchronized void warn(Throwable cause, String format, Object... args) {
        long nowMillis = clockMillis.getAsLong();
        if (nowMillis < nextMillis) {
            suppressed++;
            return;
        }
        String message = MessageFormatter.arrayFormat(format, args).getMessage()
                + (suppressed > 0 ? "; " + suppressed + " more like it since the last report" : "");
        if (cause == null) {
            log.warn(message);
        } else {
            log.warn(message, cause);
        }
        suppressed = 0;
        nextMillis = nowMillis + INTERVAL_MILLIS;
    }
}
