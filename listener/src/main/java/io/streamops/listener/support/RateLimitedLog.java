package io.streamops.listener.support;

import org.slf4j.Logger;

/** Logs at most one warning per interval, saying how many were held back: a dead broker must not flood the driver log. */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalMs;
    private long nextAtMillis;
    private long suppressed;

    public RateLimitedLog(Logger log, long intervalMs) {
        this.log = log;
        this.intervalMs = intervalMs;
    }

    public synchronized void warn(String message) {
        long now = System.currentTimeMillis();
        if (now >= nextAtMillis) {
            log.warn(suppressed > 0 ? message + " (" + suppressed + " similar messages suppressed)" : message);
            suppressed = 0;
            nextAtMillis = now + intervalMs;
        } else {
            suppressed++;
        }
    }
}
