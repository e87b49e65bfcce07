package io.streamops.exporter.restart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.streamops.exporter.support.Json;
import io.streamops.exporter.support.Secret;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code databricks} restarter, Jobs API 2.2: cancel the job's active runs
 * ({@code GET jobs/runs/list?job_id=&active_only=true}, {@code POST jobs/runs/cancel}), wait until they
 * have ended ({@code GET jobs/runs/get}), then {@code POST jobs/run-now} with an {@code idempotency_token}.
 * The token is derived from the attempt's identity, so a retried request, or the same attempt retried by
 * the instance that took the job over, never starts a second run: Databricks answers with the run the
 * token already started.
 *
 * <p>Errors ({@code error_code}): REQUEST_LIMIT_EXCEEDED (429) and 503 are retried with back-off;
 * RESOURCE_DOES_NOT_EXIST and INVALID_STATE on a cancel mean the run has already gone, which is what we
 * wanted; on run-now they fail the attempt with the API's message. The bearer token never appears in
 * messages.
 */
public final class DatabricksRestarter implements Restarter {
    private static final Set<String> ENDED = Set.of("TERMINATED", "SKIPPED", "INTERNAL_ERROR");
    private static final String API = "/api/2.2/jobs";

    private final DatabricksConfig config;
    private final RestApi api;
    private final Duration cancelWait;

    /**
     * @param workspace  the workspace URL, e.g. https://adb-123.4.azuredatabricks.net
     * @param token      a personal access token or service principal token
     * @param jobId      the Databricks job that runs the stream
     * @param cancelWait how long cancelled runs may take to end before run-now is called anyway
     */
    public record DatabricksConfig(URI workspace, Secret token, long jobId, Duration cancelWait) implements RestarterSettings {
    }

    public DatabricksRestarter(DatabricksConfig config, HttpClient client) {
        this(config, client, RestApi.Retries.DEFAULT);
    }

    DatabricksRestarter(DatabricksConfig config, HttpClient client, RestApi.Retries retries) {
        this.config = config;
        this.api = new RestApi(config.workspace(), client, () -> Optional.of(config.token()), retries, "Databricks");
        this.cancelWait = config.cancelWait();
    }

    /** The idempotency token of an attempt: at most 64 characters, the same for every retry of it. */
    static String idempotencyToken(String attemptId) {
        return "streamops-" + UUID.nameUUIDFromBytes(attemptId.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Launch restart(RestartRequest request) throws RestartException {
        List<Long> cancelled = cancelActiveRuns();
        awaitEnded(cancelled);
        JsonNode body = Json.MAPPER.createObjectNode()
                .put("job_id", config.jobId())
                .put("idempotency_token", idempotencyToken(request.attemptId()));
        RestApi.Answer answer = api.post(API + "/run-now", body, true);
        if (!answer.ok() || !answer.body().path("run_id").canConvertToLong()) {
            throw api.failure("run-now of job " + config.jobId(), answer, "error_code", "message");
        }
        String runId = answer.body().path("run_id").asText();
        if (cancelled.contains(answer.body().path("run_id").asLong())) {
            // The same token again (an attempt made twice) answers with the run it started the first time,
            // which was just cancelled above: reporting it as launched would leave the job stopped.
            throw new RestartException("Databricks run-now of job " + config.jobId() + " returned run " + runId
                    + ", which this attempt had just cancelled (its idempotency token was used before); the attempt failed");
        }
        RestApi.Answer run = api.get(API + "/runs/get?run_id=" + runId);
        if (run.ok() && run.body().path("state").path("life_cycle_state").asText("").equals("SKIPPED")) {
            throw new RestartException("Databricks skipped run " + runId + " of job " + config.jobId()
                    + " (life_cycle_state SKIPPED): another run of the job is still active");
        }
        return Launch.of(runId);
    }

    private List<Long> cancelActiveRuns() throws RestartException {
        RestApi.Answer list = api.get(API + "/runs/list?job_id=" + config.jobId() + "&active_only=true");
        if (!list.ok()) {
            throw api.failure("runs/list of job " + config.jobId(), list, "error_code", "message");
        }
        List<Long> cancelled = new ArrayList<>();
        for (JsonNode run : list.body().path("runs")) {
            long runId = run.path("run_id").asLong();
            RestApi.Answer answer = api.post(API + "/runs/cancel", Json.MAPPER.createObjectNode().put("run_id", runId), true);
            String code = answer.body().path("error_code").asText("");
            if (answer.ok()) {
                cancelled.add(runId);
            } else if (!code.equals("RESOURCE_DOES_NOT_EXIST") && !code.equals("INVALID_STATE")) {
                throw api.failure("runs/cancel of run " + runId, answer, "error_code", "message");
            } // else: the run ended or went away meanwhile, which is what the cancel was for
        }
        return cancelled;
    }

    /** A job allows one run at a time by default: run-now while the cancelled run still ends would be skipped. */
    private void awaitEnded(List<Long> runs) throws RestartException {
        if (runs.isEmpty()) {
            return;
        }
        RetryPolicy<Boolean> poll = RetryPolicy.<Boolean>builder()
                .handleResult(false)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(5))
                .withMaxDuration(cancelWait)
                .withMaxRetries(-1)
                .build();
        for (long runId : runs) {
            try {
                Failsafe.with(poll).get(() -> ended(runId));
            } catch (FailsafeException e) {
                throw e.getCause() instanceof RestartException r ? r
                        : new RestartException("Databricks runs/get of run " + runId + ": " + e.getMessage(), e);
            }
        }
    }

    private boolean ended(long runId) throws RestartException {
        RestApi.Answer answer = api.get(API + "/runs/get?run_id=" + runId);
        if (answer.body().path("error_code").asText("").equals("RESOURCE_DOES_NOT_EXIST")) {
            return true;
        }
        if (!answer.ok()) {
            throw api.failure("runs/get of run " + runId, answer, "error_code", "message");
        }
        return ENDED.contains(answer.body().path("state").path("life_cycle_state").asText(""));
    }
}
