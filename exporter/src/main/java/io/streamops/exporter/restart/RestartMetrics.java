package io.streamops.exporter.restart;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The restart controller's metrics: attempts by job and outcome
 * ({@code streamops_restart_attempts_total{job,outcome}}: {@code made}, {@code not_made} (the restarter
 * could not act), {@code succeeded} (the restarted query made progress), {@code failed} (it failed again,
 * or made no progress by the deadline)), the back-off state per job
 * ({@code streamops_restart_backoff_seconds{job}}: seconds until the scheduled attempt, 0 when none), and
 * given-up jobs ({@code streamops_restart_given_up{job}} 1 or 0, and {@code streamops_restart_given_up_jobs}).
 */
public final class RestartMetrics {
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, RestartRecord> latest = new ConcurrentHashMap<>();

    public RestartMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        Gauge.builder("streamops.restart.given.up.jobs", latest,
                        m -> m.values().stream().filter(r -> r.phase() == RestartPhase.GIVEN_UP).count())
                .description("Jobs whose restart policy gave up; an operator's restart resets them").register(registry);
    }

    /** Records what a decision changed about {@code before}'s job. */
    public void decided(RestartRecord before, Decision decision) {
        RestartRecord after = decision.record();
        track(after);
        if (after.sequence() > before.sequence()) {
            attempt(after.job(), "made");
        }
        boolean wasRestarting = before.phase() == RestartPhase.RESTARTING;
        if (wasRestarting && after.phase() == RestartPhase.HEALTHY) {
            attempt(after.job(), "succeeded");
        } else if (wasRestarting && (after.phase() == RestartPhase.WAITING || after.phase() == RestartPhase.GIVEN_UP
                || decision instanceof Decision.RestartNow)) {
            attempt(after.job(), "failed");
        }
    }

    /** The restarter could not make an attempt (counted besides its failure). */
    public void notMade(String job) {
        attempt(job, "not_made");
    }

    /**
     * The per-job gauges for the jobs this instance owns, and only those: every instance reads the whole
     * journal, and a job's gauges on several instances would count a given-up job several times.
     */
    public void trackOwned(java.util.Collection<RestartRecord> records, java.util.function.Predicate<String> owned) {
        records.stream().filter(r -> owned.test(r.job())).forEach(this::track);
        for (String job : latest.keySet()) {
            if (!owned.test(job)) {
                latest.remove(job);
                for (String gauge : java.util.List.of("streamops.restart.backoff.seconds", "streamops.restart.given.up")) {
                    registry.find(gauge).tag("job", job).meters().forEach(registry::remove);
                }
            }
        }
    }

    /** Called for the records this instance decides on, and for those it owns each pass ({@link #trackOwned}). */
    public void track(RestartRecord record) {
        String job = record.job();
        if (latest.put(job, record) == null) {
            Gauge.builder("streamops.restart.backoff.seconds", latest, m -> backoffSeconds(m.get(job)))
                    .description("Seconds until the job's scheduled restart; 0 when none is scheduled")
                    .tag("job", job).register(registry);
            Gauge.builder("streamops.restart.given.up", latest, m -> m.get(job).phase() == RestartPhase.GIVEN_UP ? 1 : 0)
                    .description("1 while the job's restart policy has given up").tag("job", job).register(registry);
        }
    }

    private double backoffSeconds(RestartRecord record) {
        if (record == null || record.phase() != RestartPhase.WAITING || record.due() == null) {
            return 0;
        }
        return Math.max(0, Duration.between(clock.instant(), record.due()).toMillis() / 1000.0);
    }

    private void attempt(String job, String outcome) {
        Counter.builder("streamops.restart.attempts").description("Restart attempts by job and outcome")
                .tag("job", job).tag("outcome", outcome).register(registry).increment();
    }
}
