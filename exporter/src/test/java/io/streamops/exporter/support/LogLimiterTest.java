package io.streamops.exporter.support;

import org.junit.jupiter.api.Test;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.SubstituteLogger;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LogLimiterTest {

    @Test
    void oneLinePerTenSecondsSayingHowManyWereHeldBack() {
        ConcurrentLinkedQueue<SubstituteLoggingEvent> logged = new ConcurrentLinkedQueue<>();
        EventRecordingLogger log = new EventRecordingLogger(new SubstituteLogger("test", logged, false), logged);
        AtomicLong now = new AtomicLong(1_000_000);
        LogLimiter limiter = new LogLimiter(log, now::get);

        for (int i = 0; i < 1000; i++) {
            limiter.warn(null, "rule evaluation failed: {}", "query " + i);
        }
        now.addAndGet(9_999);
        limiter.warn(null, "rule evaluation failed: {}", "query x");
        assertThat(logged).extracting(SubstituteLoggingEvent::getMessage).containsExactly("rule evaluation failed: query 0");

        now.addAndGet(1);
        limiter.warn(new IllegalStateException("boom"), "rule evaluation failed: {}", "query y");
        assertThat(logged).extracting(SubstituteLoggingEvent::getMessage).containsExactly(
                "rule evaluation failed: query 0",
                "rule evaluation failed: query y; 1000 more like it since the last report");
        assertThat(logged).last().extracting(SubstituteLoggingEvent::getThrowable).isInstanceOf(IllegalStateException.class);
    }
}
