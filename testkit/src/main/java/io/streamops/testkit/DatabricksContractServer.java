package io.streamops.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in for the Databricks Jobs API 2.2 (https://docs.databricks.com/api/workspace/jobs) that
 * enforces the parts a restart uses:
 * <ul>
 * <li>every request carries {@code Authorization: Bearer <token>} (else 401);</li>
 * <li>{@code GET /api/2.2/jobs/runs/list?job_id=&active_only=true}: the job's runs not yet ended
 *     ({@code runs} left out when there are none, as Databricks does);</li>
 * <li>{@code POST /api/2.2/jobs/runs/cancel {run_id}}: an active run goes TERMINATING, and TERMINATED
 *     once it has been looked at again; an ended one is 400 INVALID_STATE, an unknown one 404
 *     RESOURCE_DOES_NOT_EXIST;</li>
 * <li>{@code GET /api/2.2/jobs/runs/get?run_id=}: {@code state.life_cycle_state} and {@code state.result_state};</li>
 * <li>{@code POST /api/2.2/jobs/run-now {job_id, idempotency_token}}: a new RUNNING run, or SKIPPED while
 *     another run of the job is active (one concurrent run, the default); a token seen before answers the
 *     run it started and starts none; a token over 64 characters or an unknown field is 400
 *     INVALID_PARAMETER_VALUE; an unknown job 404 RESOURCE_DOES_NOT_EXIST.</li>
 * </ul>
 * Errors are {@code {"error_code", "message"}}. {@link #loseNextRunNowAnswer()} makes the next run-now
 * take effect and then answer 503, as a gateway that lost the answer would.
 */
public final class DatabricksContractServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ACTIVE = Set.of("QUEUED", "PENDING", "RUNNING", "TERMINATING", "BLOCKED");
    private static final Set<String> RUN_NOW_FIELDS = Set.of("job_id", "idempotency_token", "job_parameters",
            "notebook_params", "python_params", "jar_params", "spark_submit_params", "queue", "performance_target");

    /** One run: its job, life-cycle state and the idempotency token that started it ("" if none). */
    public record Run(long runId, long jobId, String lifeCycleState, String token) {
    }

    private final String token;
    private final Set<Long> jobs;
    private final LocalHttpServer http;
    private final Map<Long, Run> runs = new LinkedHashMap<>(); // guarded by this
    private final Map<String, Long> tokens = new HashMap<>(); // guarded by this
    private final List<String> violations = new ArrayList<>(); // guarded by this
    private boolean loseNextRunNowAnswer; // guarded by this
    private long nextRunId = 1000;

    public DatabricksContractServer(String token, Set<Long> jobs) {
        this.token = token;
        this.jobs = Set.copyOf(jobs);
        this.http = LocalHttpServer.start(this::handle);
    }

    public URI url() {
        return http.url();
    }

    public LocalHttpServer http() {
        return http;
    }

    /** Starts a run of {@code jobId} as if it had been started by its schedule: the run a restart must cancel. */
    public synchronized long startRun(long jobId) {
        long id = nextRunId++;
        runs.put(id, new Run(id, jobId, "RUNNING", ""));
        return id;
    }

    /** Ends a run by itself (it finished or failed), as Databricks would report it afterwards. */
    public synchronized void endRun(long runId) {
        Run run = runs.get(runId);
        runs.put(runId, new Run(runId, run.jobId(), "TERMINATED", run.token()));
    }

    public synchronized List<Run> runs() {
        return List.copyOf(runs.values());
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    public synchronized void loseNextRunNowAnswer() {
        loseNextRunNowAnswer = true;
    }

    /** The next request is refused with 429 REQUEST_LIMIT_EXCEEDED, as Databricks does when rate limited. */
    public void rateLimitNext() {
        http.failNext(new LocalHttpServer.Response(429, error("REQUEST_LIMIT_EXCEEDED",
                "Too many requests. Please wait a moment and try again.").toString(), Map.of("Retry-After", "1")));
    }

    private synchronized LocalHttpServer.Response handle(LocalHttpServer.Request request) {
        String authorization = request.header("Authorization");
        if (authorization == null || !authorization.equals("Bearer " + token)) {
            return answer(401, error("UNAUTHENTICATED", "Invalid access token."));
        }
        String path = request.path();
        String route = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Map<String, String> query = query(path);
        switch (request.method() + " " + route) {
            case "GET /api/2.2/jobs/runs/list":
                return list(query);
            case "GET /api/2.2/jobs/runs/get":
                return get(query);
            case "POST /api/2.2/jobs/runs/cancel":
                return cancel(body(request));
            case "POST /api/2.2/jobs/run-now":
                return runNow(body(request));
            default:
                return answer(404, error("ENDPOINT_NOT_FOUND", "No API found for '" + request.method() + " " + route + "'"));
        }
    }

    private LocalHttpServer.Response list(Map<String, String> query) {
        Long jobId = number(query.get("job_id"));
        if (jobId == null || !jobs.contains(jobId)) {
            return invalid("Job " + query.get("job_id") + " does not exist.", "RESOURCE_DOES_NOT_EXIST", 404);
        }
        boolean activeOnly = Boolean.parseBoolean(query.getOrDefault("active_only", "false"));
        ObjectNode answer = JSON.createObjectNode().put("has_more", false);
        List<Run> listed = runs.values().stream().filter(r -> r.jobId() == jobId)
                .filter(r -> !activeOnly || ACTIVE.contains(r.lifeCycleState())).toList();
        if (!listed.isEmpty()) {
            ArrayNode array = answer.putArray("runs");
            listed.forEach(r -> array.add(describe(r)));
        }
        return answer(200, answer);
    }

    private LocalHttpServer.Response get(Map<String, String> query) {
        Long runId = number(query.get("run_id"));
        Run run = runId == null ? null : runs.get(runId);
        if (run == null) {
            return invalid("Run " + query.get("run_id") + " does not exist.", "RESOURCE_DOES_NOT_EXIST", 404);
        }
        ObjectNode answer = describe(run);
        if (run.lifeCycleState().equals("TERMINATING")) {
            runs.put(run.runId(), new Run(run.runId(), run.jobId(), "TERMINATED", run.token()));
        }
        return answer(200, answer);
    }

    private LocalHttpServer.Response cancel(JsonNode body) {
        if (body == null || !body.path("run_id").canConvertToLong()) {
            return invalid("Missing required field: run_id", "INVALID_PARAMETER_VALUE", 400);
        }
        Run run = runs.get(body.path("run_id").asLong());
        if (run == null) {
            return invalid("Run " + body.path("run_id").asText() + " does not exist.", "RESOURCE_DOES_NOT_EXIST", 404);
        }
        if (!ACTIVE.contains(run.lifeCycleState())) {
            return answer(400, error("INVALID_STATE", "Run " + run.runId() + " is already in a terminal state."));
        }
        runs.put(run.runId(), new Run(run.runId(), run.jobId(), "TERMINATING", run.token()));
        return answer(200, JSON.createObjectNode());
    }

    private LocalHttpServer.Response runNow(JsonNode body) {
        if (body == null || !body.isObject()) {
            return invalid("Request body is not a JSON object", "MALFORMED_REQUEST", 400);
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!RUN_NOW_FIELDS.contains(name)) {
                return invalid("Unknown field '" + name + "'", "INVALID_PARAMETER_VALUE", 400);
            }
        }
        if (!body.path("job_id").canConvertToLong()) {
            return invalid("Missing required field: job_id", "INVALID_PARAMETER_VALUE", 400);
        }
        long jobId = body.path("job_id").asLong();
        if (!jobs.contains(jobId)) {
            return invalid("Job " + jobId + " does not exist.", "RESOURCE_DOES_NOT_EXIST", 404);
        }
        String idempotency = body.path("idempotency_token").asText("");
        if (idempotency.length() > 64) {
            return invalid("idempotency_token must be at most 64 characters", "INVALID_PARAMETER_VALUE", 400);
        }
        Long runId = idempotency.isEmpty() ? null : tokens.get(idempotency);
        if (runId == null) {
            boolean busy = runs.values().stream().anyMatch(r -> r.jobId() == jobId && ACTIVE.contains(r.lifeCycleState()));
            runId = nextRunId++;
            runs.put(runId, new Run(runId, jobId, busy ? "SKIPPED" : "RUNNING", idempotency));
            if (!idempotency.isEmpty()) {
                tokens.put(idempotency, runId);
            }
        }
        if (loseNextRunNowAnswer) {
            loseNextRunNowAnswer = false;
            return answer(503, error("TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable."));
        }
        return answer(200, JSON.createObjectNode().put("run_id", runId).put("number_in_job", runId));
    }

    private static ObjectNode describe(Run run) {
        ObjectNode node = JSON.createObjectNode().put("run_id", run.runId()).put("job_id", run.jobId());
        ObjectNode state = node.putObject("state").put("life_cycle_state", run.lifeCycleState());
        if (run.lifeCycleState().equals("TERMINATED")) {
            state.put("result_state", "CANCELED");
        }
        return node;
    }

    private LocalHttpServer.Response invalid(String message, String code, int status) {
        if (code.equals("INVALID_PARAMETER_VALUE") || code.equals("MALFORMED_REQUEST")) {
            violations.add(message);
        }
        return answer(status, error(code, message));
    }

    private static ObjectNode error(String code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static LocalHttpServer.Response answer(int status, JsonNode body) {
        return LocalHttpServer.Response.of(status, body.toString());
    }

    private static JsonNode body(LocalHttpServer.Request request) {
        try {
            return JSON.readTree(request.body());
        } catch (Exception e) {
            return null;
        }
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Map<String, String> query(String path) {
        Map<String, String> query = new HashMap<>();
        int at = path.indexOf('?');
        if (at < 0) {
            return query;
        }
        for (String pair : path.substring(at + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    @Override
    public void close() {
        http.close();
    }
}
