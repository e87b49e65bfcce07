package io.streamops.exporter.restart;

import io.streamops.exporter.support.Secret;
import io.streamops.testkit.DatabricksContractServer;
import io.streamops.testkit.LocalHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabricksRestarterTest {
    private static final String TOKEN = "dapi-test-0123456789abcdef";
    private static final long JOB = 42;
    private static final RestApi.Retries QUICK = new RestApi.Retries(Duration.ofMillis(10), Duration.ofMillis(50), 4);
    private final DatabricksContractServer databricks = new DatabricksContractServer(TOKEN, Set.of(JOB));
    private final RestartRequest attempt = new RestartRequest(RestartSubject.ofJob("orders"), 3, "orders#3", "");

    @AfterEach
    void stop() {
        databricks.close();
    }

    private DatabricksRestarter restarter(String token, long jobId) {
        return new DatabricksRestarter(new DatabricksRestarter.DatabricksConfig(databricks.url(), Secret.of(token), jobId,
                Duration.ofSeconds(10)), HttpClient.newHttpClient(), QUICK);
    }

    @Test
    void cancelsTheActiveRunWaitsForItToEndThenStartsOneRun() throws Exception {
        long old = databricks.startRun(JOB);

        Launch launch = restarter(TOKEN, JOB).restart(attempt);

        assertThat(databricks.violations()).isEmpty();
        assertThat(databricks.runs()).extracting(DatabricksContractServer.Run::lifeCycleState).containsExactly("TERMINATED", "RUNNING");
        DatabricksContractServer.Run started = databricks.runs().get(1);
        assertThat(launch.handle()).isEqualTo(String.valueOf(started.runId()));
        assertThat(started.token()).isEqualTo(DatabricksRestarter.idempotencyToken("orders#3")).hasSizeLessThanOrEqualTo(64);
        assertThat(databricks.http().requests()).anyMatch(r -> r.path().equals("/api/2.2/jobs/runs/get?run_id=" + old));
    }

    /** Attempt 1 of a series started by the alert {@code fingerprint}, as the decider makes it. */
    private static RestartRecord firstAttemptOf(String fingerprint, java.time.Instant startsAt) {
        RestartDecider decider = new RestartDecider(RestartPolicy.DEFAULT, () -> 0.0);
        RestartSubject job = RestartSubject.ofJob("orders");
        RestartRecord waiting = decider.decide(RestartRecord.idle(job, startsAt), new Observation.AlertFired(job, "QueryFailed",
                "failed", "", Observation.incidentOf(fingerprint, startsAt), startsAt, startsAt)).record();
        return decider.decide(waiting, new Observation.Tick(startsAt.plusSeconds(1))).record();
    }

    @Test
    void eachIncidentsAttemptHasItsOwnTokenAndARetryOfOneReusesIt() throws Exception {
        java.time.Instant t0 = java.time.Instant.parse("2026-12-03T10:00:00Z");
        RestartRecord first = firstAttemptOf("fp-1", t0);
        // Attempt number 1 again, for another incident: the journal topic was lost and recreated in between.
        RestartRecord later = firstAttemptOf("fp-2", t0.plusSeconds(7200));
        assertThat(later.sequence()).isEqualTo(first.sequence());

        databricks.loseNextRunNowAnswer();
        Launch started = restarter(TOKEN, JOB).restart(RestartRequest.of(first, ""));
        assertThat(databricks.runs()).as("a retried run-now reuses its token: one run").hasSize(1);
        databricks.endRun(Long.parseLong(started.handle()));

        Launch next = restarter(TOKEN, JOB).restart(RestartRequest.of(later, started.handle()));
        assertThat(databricks.violations()).isEmpty();
        assertThat(databricks.runs()).as("the later incident's attempt starts a run of its own").hasSize(2);
        assertThat(next.handle()).isNotEqualTo(started.handle());
        assertThat(databricks.runs().get(1).lifeCycleState()).isEqualTo("RUNNING");
        assertThat(databricks.runs().get(1).token()).isNotEqualTo(databricks.runs().get(0).token());
    }

    @Test
    void aLostAnswerIsRetriedWithTheSameTokenAndStartsOneRunNotTwo() throws Exception {
        databricks.loseNextRunNowAnswer();
        Launch launch = restarter(TOKEN, JOB).restart(attempt);

        assertThat(databricks.runs()).hasSize(1);
        assertThat(launch.handle()).isEqualTo(String.valueOf(databricks.runs().get(0).runId()));
        assertThat(databricks.http().statuses()).contains(503);
        assertThat(databricks.runs().get(0).lifeCycleState()).isEqualTo("RUNNING");
    }

    @Test
    void theSameAttemptMadeAgainFailsInsteadOfReportingTheRunItCancelled() throws Exception {
        Launch first = restarter(TOKEN, JOB).restart(attempt);

        // Made again with the same token, run-now answers with the first run, which the attempt cancels first.
        assertThatThrownBy(() -> restarter(TOKEN, JOB).restart(attempt))
                .isInstanceOf(Restarter.RestartException.class)
                .hasMessageContaining("returned run " + first.handle())
                .hasMessageContaining("had just cancelled");
        assertThat(databricks.runs()).hasSize(1);
        assertThat(databricks.violations()).isEmpty();
    }

    @Test
    void rateLimitsAndUnavailabilityAreRetriedWithBackoff() throws Exception {
        databricks.rateLimitNext();
        databricks.http().failNext(503);
        databricks.rateLimitNext();

        restarter(TOKEN, JOB).restart(attempt);

        assertThat(databricks.http().statuses()).startsWith(429, 503, 429);
        assertThat(databricks.runs()).hasSize(1);
        // The rate limit's Retry-After (1 s, capped here at the 50 ms longest back-off) was waited for, not skipped.
        List<LocalHttpServer.Request> requests = databricks.http().requests();
        assertThat(requests.get(1).receivedNanos() - requests.get(0).receivedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
    }

    @Test
    void aRefusedTokenFailsTheAttemptWithoutShowingIt() {
        assertThatThrownBy(() -> restarter("dapi-wrong-token", JOB).restart(attempt))
                .isInstanceOf(Restarter.RestartException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("token was refused")
                .hasMessageNotContaining("dapi-wrong-token");
        assertThat(databricks.runs()).isEmpty();
    }

    @Test
    void aJobThatDoesNotExistFailsTheAttemptWithTheApisErrorCode() {
        assertThatThrownBy(() -> restarter(TOKEN, 7).restart(attempt))
                .hasMessageContaining("RESOURCE_DOES_NOT_EXIST").hasMessageContaining("Job 7 does not exist");
    }

    @Test
    void aRunThatEndedOrVanishedBetweenTheListAndTheCancelIsFine() throws Exception {
        long ended = databricks.startRun(JOB);
        databricks.endRun(ended);
        // The list still showed both as running: their cancels answer INVALID_STATE and RESOURCE_DOES_NOT_EXIST.
        databricks.http().failNext(new LocalHttpServer.Response(200, "{\"runs\":[{\"run_id\":" + ended
                + ",\"state\":{\"life_cycle_state\":\"RUNNING\"}},{\"run_id\":99999,\"state\":{\"life_cycle_state\":\"RUNNING\"}}]}",
                Map.of()));

        restarter(TOKEN, JOB).restart(attempt);

        assertThat(databricks.http().statuses()).containsSequence(200, 400, 404);
        assertThat(databricks.runs()).extracting(DatabricksContractServer.Run::lifeCycleState).containsExactly("TERMINATED", "RUNNING");
    }

    @Test
    void aRunThatDatabricksSkippedFailsTheAttempt() {
        DatabricksRestarter restarter = new DatabricksRestarter(new DatabricksRestarter.DatabricksConfig(databricks.url(),
                Secret.of(TOKEN), JOB, Duration.ofSeconds(1)), HttpClient.newHttpClient(), QUICK);
        long stuck = databricks.startRun(JOB);
        // A run that takes longer to cancel than we wait: run-now is skipped while it is still active.
        databricks.http().failNext(new LocalHttpServer.Response(200, "{\"runs\":[]}", Map.of()));
        assertThatThrownBy(() -> restarter.restart(attempt)).hasMessageContaining("SKIPPED");
        assertThat(databricks.runs()).extracting(DatabricksContractServer.Run::runId).contains(stuck);
    }
}
