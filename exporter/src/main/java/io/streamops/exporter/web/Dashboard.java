package io.streamops.exporter.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.http.ExporterHttpServer;
import io.streamops.exporter.http.ExporterHttpServer.ApiException;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.support.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The web dashboard at {@code /}: the page and its assets ({@link DashboardAssets}) and the JSON it polls
 * (documented in docs/dashboard.md):
 * <ul>
 *   <li>{@code GET /api/fleet?search=&job=&status=&offset=&limit=}: one page of queries ({@link FleetPage})</li>
 *   <li>{@code GET /api/series?query_id=}: a query's recent chart samples ({@link SignalHistory})</li>
 *   <li>{@code GET /api/alert-history?limit=}: alerts firing now and what started and stopped firing ({@link AlertHistory})</li>
 *   <li>{@code GET /api/notifications}: notifications per receiver ({@link NotificationCounts})</li>
 *   <li>{@code GET /api/restarts}: the restart controller's records, or {@code configured: false}</li>
 *   <li>{@code GET /api/actions}, {@code POST /api/actions/<index>} (http.token required): the configured buttons ({@link DashboardActions})</li>
 * </ul>
 * Silences come from the existing {@code /api/silences}. A sampler thread takes the latest signals every
 * {@link #SAMPLE_INTERVAL}; the alert history is fed by the router as transitions arrive ({@link AlertHistory}).
 * Everything shown is this instance's (the queries whose partitions it owns), as {@code /api/queries} is.
 */
public final class Dashboard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    public static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(2);
    /** 150 samples 2 s apart: the last five minutes of every query. */
    public static final int SAMPLES_PER_QUERY = 150;
    public static final int ALERT_HISTORY = 500;
    static final int MAX_FIRING_SHOWN = 200;

    /** What {@code /api/restarts} answers: the controller's records per job, or not configured. */
    public record Restarts(boolean configured, List<?> restarts) {
    }

    /** Alerts firing now (at most {@link #MAX_FIRING_SHOWN} of {@code firingTotal}) and the history. */
    public record Alerts(int firingTotal, List<AlertHistory.Entry> firing, List<AlertHistory.Entry> history) {
    }

    private final Supplier<List<Signals>> fleet;
    private final Supplier<? extends Collection<AlertTransition>> firing;
    private final SignalHistory history = new SignalHistory(SAMPLES_PER_QUERY, SAMPLE_INTERVAL.toMillis());
    private final AlertHistory alerts;
    private final DashboardActions actions;
    private final Clock clock;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dashboard-sampler");
        t.setDaemon(true);
        return t;
    });

    private Dashboard(Supplier<List<Signals>> fleet, Supplier<? extends Collection<AlertTransition>> firing,
                      AlertHistory alerts, DashboardActions actions, Clock clock) {
        this.actions = actions;
        this.fleet = fleet;
        this.firing = firing;
        this.alerts = alerts;
        this.clock = clock;
    }

    /**
     * Routes the dashboard's page, assets and JSON on {@code http} and starts sampling.
     *
     * @param restarts the restart controller's records (one per job), or empty while restarts are not configured
     */
    public static Dashboard serve(ExporterHttpServer http, Supplier<List<Signals>> fleet,
                                  Supplier<? extends Collection<AlertTransition>> firing, MeterRegistry registry,
                                  Optional<Supplier<? extends List<?>>> restarts) {
        return serve(http, fleet, firing, new AlertHistory(ALERT_HISTORY), registry, restarts, List.of(), Optional.empty());
    }

    /**
     * As above, with the buttons of exporter.yaml's {@code dashboard.actions}; {@code token} ({@code http.token})
     * tells the page whether presses are possible: they need it, and are refused without one. {@code history} is
     * fed by the router ({@link AlertHistory#alongside}).
     */
    public static Dashboard serve(ExporterHttpServer http, Supplier<List<Signals>> fleet,
                                  Supplier<? extends Collection<AlertTransition>> firing, AlertHistory history, MeterRegistry registry,
                                  Optional<Supplier<? extends List<?>>> restarts, List<DashboardAction> actions,
                                  Optional<Secret> token) {
        Dashboard d = new Dashboard(fleet, firing, history, new DashboardActions(actions, token.isPresent()), Clock.systemUTC());
        http.resource("actions", d.actions);
        NotificationCounts notifications = new NotificationCounts(registry);
        http.page("/", new DashboardAssets());
        http.resource("fleet", query -> {
            FleetFilter filter = FleetFilter.parse(query);
            java.util.Set<String> firingQueries = new java.util.HashSet<>();
            firing.get().forEach(t -> firingQueries.add(t.labels().getOrDefault("query_id", "")));
            return FleetPage.of(fleet.get(), firingQueries, filter);
        });
        http.resource("series", d::series);
        http.resource("alert-history", d::alerts);
        http.resource("notifications", query -> Map.of("receivers", notifications.receivers()));
        http.resource("restarts", query -> restarts.<Restarts>map(r -> new Restarts(true, r.get()))
                .orElse(new Restarts(false, List.of())));
        d.sampler.scheduleAtFixedRate(d::sample, 0, SAMPLE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return d;
    }

    void sample() {
        try {
            history.record(fleet.get(), clock.millis());
        } catch (RuntimeException e) {
            // One bad sample must not end sampling (a scheduled task that throws is never run again).
            LOG.warn("dashboard sample failed: {}", e.toString());
        }
    }

    private Object series(Map<String, String> query) throws ApiException {
        String id = query.getOrDefault("query_id", "");
        if (id.isEmpty()) {
            throw new ApiException(400, "query_id is required");
        }
        return history.of(id).orElseThrow(() -> new ApiException(404, "no samples of query " + id + " on this instance"));
    }

    private Object alerts(Map<String, String> query) throws ApiException {
        int limit = FleetFilter.number(query, "limit", 100, 1, ALERT_HISTORY);
        List<AlertHistory.Entry> now = firing.get().stream()
                .map(t -> AlertHistory.Entry.of(t, "firing", t.startsAt()))
                .sorted(AlertHistory.NEWEST_FIRST)
                .toList();
        return new Alerts(now.size(), now.subList(0, Math.min(MAX_FIRING_SHOWN, now.size())), alerts.recent(limit));
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        actions.close();
    }
}
