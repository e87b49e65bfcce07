package io.streamops.exporter.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.http.ExporterHttpServer;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.support.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's JSON API and assets on a real exporter HTTP server: server-side paging and filtering of a
 * fleet of 1,000 queries, its bounds, and bad parameters answered with 400 naming the parameter (never 500).
 */
class DashboardApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int QUERIES = 1000;
    private static ExporterHttpServer server;
    private static Dashboard dashboard;

    @BeforeAll
    static void start() throws Exception {
        List<Signals> fleet = new ArrayList<>();
        for (int i = 0; i < QUERIES; i++) {
            QueryStatus status = i % 10 == 0 ? QueryStatus.FAILED : QueryStatus.ACTIVE;
            fleet.add(TestSignals.of("job-" + (i % 4), String.format("id-%04d", i), String.format("query-%04d", i), status, i));
        }
        server = new ExporterHttpServer("127.0.0.1", 0, Optional.empty(), () -> "", () -> true);
        dashboard = Dashboard.serve(server, () -> fleet, List::of, new SimpleMeterRegistry(), Optional.empty());
    }

    @AfterAll
    static void stop() {
        dashboard.close();
        server.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void aPageCarriesOnlyItsRowsAndTheTotal() throws Exception {
        JsonNode page = json("/api/fleet?offset=100&limit=25");
        assertThat(page.path("total").asInt()).isEqualTo(QUERIES);
        assertThat(page.path("queries").asInt()).isEqualTo(QUERIES);
        assertThat(page.path("items")).hasSize(25);
        // The 100 failed queries come first (by job, then name): the page from 100 starts the others, job-0 first.
        assertThat(page.path("items").get(0).path("queryName").asText()).isEqualTo("query-0004");
        assertThat(page.path("statusCounts").path("failed").asInt()).isEqualTo(100);
        assertThat(page.path("statusCounts").path("active").asInt()).isEqualTo(900);
        assertThat(page.path("jobs")).hasSize(4);

        JsonNode byDefault = json("/api/fleet");
        assertThat(byDefault.path("limit").asInt()).isEqualTo(FleetFilter.DEFAULT_LIMIT);
        assertThat(byDefault.path("items")).hasSize(FleetFilter.DEFAULT_LIMIT);
    }

    @Test
    void rowsListInTroubleFirstThenFiringThenByJobAndNameWhateverOrderTheyCameIn() throws Exception {
        List<Signals> fleet = new ArrayList<>(List.of(
                TestSignals.of("b-job", "id-1", "zeta", QueryStatus.ACTIVE, 1),
                TestSignals.of("a-job", "id-2", "omega", QueryStatus.ACTIVE, 1),
                TestSignals.of("b-job", "id-3", "alpha", QueryStatus.ACTIVE, 1),
                TestSignals.of("b-job", "id-4", "beta", QueryStatus.FAILED, 1),
                TestSignals.of("a-job", "id-5", "gamma", QueryStatus.STALLED, 1),
                TestSignals.of("a-job", "id-6", "delta", QueryStatus.IDLE, 1)));
        io.streamops.exporter.alert.AlertTransition firingOnZeta = new io.streamops.exporter.alert.AlertTransition("R/id-1", "R",
                io.streamops.exporter.alert.AlertPhase.FIRING, "warning", java.util.Map.of("alertname", "R", "query_id", "id-1"),
                java.util.Map.of(), java.util.Map.of(), List.of(), java.time.Duration.ofHours(1), true,
                java.time.Instant.parse("2026-12-03T10:00:00Z"), null, java.time.Instant.parse("2026-12-03T10:00:00Z"));
        List<String> expected = List.of("gamma", "beta", "zeta", "delta", "omega", "alpha");
        for (int round = 0; round < 3; round++) {
            java.util.Collections.shuffle(fleet, new java.util.Random(round));
            List<Signals> asGiven = List.copyOf(fleet);
            try (ExporterHttpServer other = new ExporterHttpServer("127.0.0.1", 0, Optional.empty(), () -> "", () -> true);
                 Dashboard d = Dashboard.serve(other, () -> asGiven, () -> List.of(firingOnZeta), new SimpleMeterRegistry(), Optional.empty())) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port() + "/api/fleet"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                List<String> names = new ArrayList<>();
                Json.MAPPER.readTree(r.body()).path("items").forEach(row -> names.add(row.path("queryName").asText()));
                assertThat(names).as("given as %s", asGiven.stream().map(Signals::queryName).toList()).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void pagingBoundsHoldAtTheEnds() throws Exception {
        JsonNode last = json("/api/fleet?offset=990&limit=500");
        assertThat(last.path("items")).hasSize(10);
        JsonNode beyond = json("/api/fleet?offset=5000");
        assertThat(beyond.path("items")).isEmpty();
        assertThat(beyond.path("total").asInt()).isEqualTo(QUERIES);
        assertThat(json("/api/fleet?limit=" + FleetFilter.MAX_LIMIT).path("items")).hasSize(FleetFilter.MAX_LIMIT);
        assertThat(json("/api/fleet?limit=1").path("items")).hasSize(1);
    }

    @Test
    void searchJobAndStatusFilterOnTheServer() throws Exception {
        JsonNode search = json("/api/fleet?search=QUERY-012");
        assertThat(search.path("total").asInt()).isEqualTo(10); // query-0120 .. query-0129
        JsonNode job = json("/api/fleet?job=job-1&limit=500");
        assertThat(job.path("total").asInt()).isEqualTo(250);
        job.path("items").forEach(row -> assertThat(row.path("job").asText()).isEqualTo("job-1"));
        JsonNode failedInJob0 = json("/api/fleet?job=job-0&status=failed&limit=500");
        assertThat(failedInJob0.path("total").asInt()).isEqualTo(50); // multiples of 20
        failedInJob0.path("items").forEach(row -> {
            assertThat(row.path("status").asText()).isEqualTo("failed");
            assertThat(row.path("exceptionMessage").asText()).isEqualTo("boom");
        });
        // Unknown numbers are null, never NaN (which is not JSON).
        assertThat(json("/api/fleet?limit=1").path("items").get(0).path("watermarkDelaySeconds").isNull()).isTrue();
        assertThat(json("/api/fleet?search=no-such-query").path("total").asInt()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=501", "limit=-5", "limit=ten", "offset=-1", "offset=1.5",
            "offset=99999999999", "status=running", "colour=red", "search=x"})
    void badParametersAre400NamingTheParameter(String query) throws Exception {
        String q = query.equals("search=x") ? "search=" + "x".repeat(FleetFilter.MAX_SEARCH_CHARS + 1) : query;
        HttpResponse<String> r = get("/api/fleet?" + q);
        assertThat(r.statusCode()).as("GET /api/fleet?%s: %s", q, r.body()).isEqualTo(400);
        String error = Json.MAPPER.readTree(r.body()).path("error").asText();
        String name = q.substring(0, q.indexOf('='));
        assertThat(error).as("error of %s", q).contains(name);
    }

    @Test
    void seriesNeedAKnownQuery() throws Exception {
        assertThat(get("/api/series").statusCode()).isEqualTo(400);
        assertThat(get("/api/series?query_id=nope").statusCode()).isEqualTo(404);
        dashboard.sample();
        JsonNode view = json("/api/series?query_id=id-0007");
        assertThat(view.path("t").size()).isPositive();
        assertThat(view.path("series").path("inputRate").get(0).asDouble()).isEqualTo(7.0);
        assertThat(view.path("series").path("watermarkDelaySeconds").get(0).isNull()).isTrue();
        assertThat(get("/api/alert-history?limit=0").statusCode()).isEqualTo(400);
        assertThat(json("/api/alert-history").path("firingTotal").asInt()).isZero();
    }

    @Test
    void restartsSayNotConfiguredWithoutAController() throws Exception {
        JsonNode restarts = json("/api/restarts");
        assertThat(restarts.path("configured").asBoolean()).isFalse();
        assertThat(restarts.path("restarts")).isEmpty();
        assertThat(json("/api/notifications").path("receivers")).isEmpty();
    }

    @Test
    void restartsShowTheControllersRecordsOnceConfigured() throws Exception {
        io.streamops.exporter.restart.RestartRecord record = io.streamops.exporter.restart.RestartRecord.idle(
                new io.streamops.exporter.restart.RestartSubject("grocery", "cough-syrup-alerts", "q-1", "app-1", java.util.Map.of()),
                java.time.Instant.parse("2026-12-03T10:00:00Z"));
        try (ExporterHttpServer other = new ExporterHttpServer("127.0.0.1", 0, Optional.empty(), () -> "", () -> true);
             Dashboard withRestarts = Dashboard.serve(other, List::of, List::of, new SimpleMeterRegistry(),
                     Optional.of(() -> List.of(record)))) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port() + "/api/restarts"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode restarts = Json.MAPPER.readTree(r.body());
            assertThat(restarts.path("configured").asBoolean()).isTrue();
            JsonNode first = restarts.path("restarts").get(0);
            // The fields the page reads.
            assertThat(first.path("subject").path("job").asText()).isEqualTo("grocery");
            assertThat(first.path("subject").path("queryName").asText()).isEqualTo("cough-syrup-alerts");
            assertThat(first.path("phase").asText()).isEqualTo("IDLE");
            assertThat(first.path("consecutive").asInt()).isZero();
            assertThat(first.path("attemptTimes").isArray()).isTrue();
            assertThat(first.path("since").asText()).isEqualTo("2026-12-03T10:00:00Z");
        }
    }

    @Test
    void thePageAndAssetsComeFromTheExporterUnderAStrictPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(DashboardAssets.CSP);
        assertThat(page.body()).contains("assets/uplot/uPlot.iife.min.js").doesNotContain("http://", "https://");
        HttpResponse<String> uplot = get("/assets/uplot/uPlot.iife.min.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        assertThat(get("/assets/app.js").body()).doesNotContain(".innerHTML", "outerHTML", "insertAdjacentHTML", "document.write");
        assertThat(get("/assets/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(get("/META-INF/MANIFEST.MF").statusCode()).isEqualTo(404);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(405);
        // The API keeps its own routes under the page's catch-all.
        assertThat(get("/api/nothing-here").statusCode()).isEqualTo(404);
    }
}
