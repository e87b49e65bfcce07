package io.streamops.exporter.restart;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RestartStatusLineTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final RestartSubject JOB = RestartSubject.ofJob("orders");

    private static RestartRecord record(RestartPhase phase, Instant due, Instant... attempts) {
        return new RestartRecord(phase, JOB, attempts.length, List.of(attempts), attempts.length, due, NOW, "", "", "", "", false);
    }

    @Test
    void saysWhatHappensAboutTheAlert() {
        RestartPolicy policy = RestartPolicy.DEFAULT;
        assertThat(RestartStatusLine.of(record(RestartPhase.WAITING, NOW.plusMillis(39_001), NOW.minusSeconds(30)), policy, NOW))
                .contains("restarting, attempt 2 of 5, next in 40 s");
        assertThat(RestartStatusLine.of(record(RestartPhase.WAITING, NOW.plus(Duration.ofMinutes(5))), policy, NOW))
                .contains("restarting, attempt 1 of 5, next in 5m");
        assertThat(RestartStatusLine.of(record(RestartPhase.RESTARTING, NOW.plusSeconds(300), NOW), policy, NOW))
                .contains("restarting, attempt 1 of 5 made, waiting for progress");
        assertThat(RestartStatusLine.of(record(RestartPhase.RESTARTING, NOW.plusSeconds(300), NOW).withByHandWaiting("command:c-1"),
                policy, NOW)).contains("restarting, attempt 1 of 5 made, waiting for progress; a restart by hand follows once it ends");
        assertThat(RestartStatusLine.of(record(RestartPhase.GIVEN_UP, null, NOW, NOW, NOW, NOW, NOW), policy, NOW))
                .hasValueSatisfying(line -> assertThat(line).startsWith("restarts exhausted (5 attempts within 1h)"));
        assertThat(RestartStatusLine.of(RestartRecord.idle(JOB, NOW), policy, NOW)).isEmpty();
    }
}
