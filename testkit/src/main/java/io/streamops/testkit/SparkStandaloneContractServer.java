package io.streamops.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a Spark standalone master's REST submission API (port 6066; Spark's
 * {@code StandaloneRestServer}, protocol v1) that enforces its requests and answers as Spark 3.5 does:
 * <ul>
 * <li>{@code POST /v1/submissions/create}: a {@code CreateSubmissionRequest} with {@code appResource},
 *     {@code mainClass}, {@code clientSparkVersion}, {@code appArgs} (strings), {@code sparkProperties}
 *     (strings, {@code spark.app.name} required) and {@code environmentVariables} (strings); answers a
 *     {@code CreateSubmissionResponse} with a new {@code submissionId}, the driver RUNNING.</li>
 * <li>{@code POST /v1/submissions/kill/{id}}: a running driver becomes KILLED; an unknown or finished one
 *     answers {@code success: false}.</li>
 * <li>{@code GET /v1/submissions/status/{id}}: {@code driverState}; unknown: {@code success: false}.</li>
 * <li>A malformed request is an {@code ErrorResponse} with HTTP 400; an unknown protocol version 468.</li>
 * <li>{@code GET /json/}: the master web UI's state (port 8080 on a real master, the same server here), as
 *     Spark's {@code JsonProtocol.writeMasterState} writes it: {@code activedrivers} and
 *     {@code completeddrivers}, each with {@code id}, {@code state}, {@code mainclass}, {@code starttime},
 *     {@code submitdate}. How a driver submitted by someone else (the team's first launch) is found.</li>
 * </ul>
 */
public final class SparkStandaloneContractServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = "3.5.7";
    private static final Pattern PATH = Pattern.compile("/(v\\d+)/submissions/(create|kill|status)(?:/([^/?]+))?");
    private static final Set<String> ALIVE = Set.of("SUBMITTED", "RUNNING", "RELAUNCHING");

    /** A submitted driver: its request as received and its state now. */
    public record Submission(String id, JsonNode request, String state) {
    }

    private final LocalHttpServer http;
    private final Map<String, Submission> submissions = new LinkedHashMap<>(); // guarded by this
    private final List<String> violations = new ArrayList<>(); // guarded by this

    public SparkStandaloneContractServer() {
        this.http = LocalHttpServer.start(this::handle);
    }

    public URI url() {
        return http.url();
    }

    public LocalHttpServer http() {
        return http;
    }

    public synchronized List<Submission> submissions() {
        return List.copyOf(submissions.values());
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** Sets a driver's state, as the master would see it (FAILED, FINISHED, ...). */
    public synchronized void driverState(String id, String state) {
        Submission s = submissions.get(id);
        submissions.put(id, new Submission(id, s.request(), state));
    }

    /** A driver submitted by someone else (not through this API's caller), RUNNING: returns its id. */
    public synchronized String runDriver(String mainClass) {
        String id = String.format("driver-20261203090000-%04d", submissions.size());
        submissions.put(id, new Submission(id, JSON.createObjectNode().put("mainClass", mainClass), "RUNNING"));
        return id;
    }

    private synchronized LocalHttpServer.Response handle(LocalHttpServer.Request request) {
        if (request.path().equals("/json/") || request.path().equals("/json")) {
            return request.method().equals("GET") ? masterState() : error(405, "GET only");
        }
        Matcher m = PATH.matcher(request.path());
        if (!m.matches()) {
            return error(400, "Malformed path " + request.path());
        }
        if (!m.group(1).equals("v1")) {
            return error(468, "Unknown protocol version '" + m.group(1) + "'.");
        }
        String id = m.group(3);
        switch (m.group(2)) {
            case "create":
                return request.method().equals("POST") && id == null ? create(request) : error(400, "Bad create request");
            case "kill":
                return request.method().equals("POST") && id != null ? kill(id) : error(400, "Bad kill request");
            default:
                return request.method().equals("GET") && id != null ? status(id) : error(400, "Bad status request");
        }
    }

    private LocalHttpServer.Response create(LocalHttpServer.Request request) {
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (Exception e) {
            return violation("Malformed request: body is not JSON");
        }
        if (!body.path("action").asText("").equals("CreateSubmissionRequest")) {
            return violation("Malformed request: action must be CreateSubmissionRequest");
        }
        for (String field : List.of("appResource", "mainClass", "clientSparkVersion")) {
            if (!body.path(field).isTextual() || body.path(field).asText().isEmpty()) {
                return violation("Malformed request: '" + field + "' is missing");
            }
        }
        if (!body.path("appArgs").isArray() || !allText(body.path("appArgs"))) {
            return violation("Malformed request: 'appArgs' must be a list of strings");
        }
        for (String field : List.of("sparkProperties", "environmentVariables")) {
            if (!body.path(field).isObject() || !allText(body.path(field))) {
                return violation("Malformed request: '" + field + "' must map names to strings");
            }
        }
        if (!body.path("sparkProperties").path("spark.app.name").isTextual()) {
            return violation("Malformed request: 'spark.app.name' is missing");
        }
        String id = String.format("driver-20261203100000-%04d", submissions.size());
        submissions.put(id, new Submission(id, body, "RUNNING"));
        return ok(answer("CreateSubmissionResponse", id).put("success", true)
                .put("message", "Driver successfully submitted as " + id));
    }

    private LocalHttpServer.Response kill(String id) {
        Submission s = submissions.get(id);
        if (s == null || !ALIVE.contains(s.state())) {
            return ok(answer("KillSubmissionResponse", id).put("success", false)
                    .put("message", "Driver " + id + " has already finished or does not exist"));
        }
        submissions.put(id, new Submission(id, s.request(), "KILLED"));
        return ok(answer("KillSubmissionResponse", id).put("success", true).put("message", "Kill request for " + id + " submitted"));
    }

    private LocalHttpServer.Response status(String id) {
        Submission s = submissions.get(id);
        if (s == null) {
            return ok(answer("SubmissionStatusResponse", id).put("success", false).put("message", "Driver " + id + " not found"));
        }
        return ok(answer("SubmissionStatusResponse", id).put("success", true).put("driverState", s.state()));
    }

    private LocalHttpServer.Response masterState() {
        ObjectNode state = JSON.createObjectNode().put("url", "spark://127.0.0.1:7077").put("status", "ALIVE");
        com.fasterxml.jackson.databind.node.ArrayNode active = state.putArray("activedrivers");
        com.fasterxml.jackson.databind.node.ArrayNode completed = state.putArray("completeddrivers");
        for (Submission s : submissions.values()) {
            (ALIVE.contains(s.state()) ? active : completed).addObject().put("id", s.id()).put("starttime", 1796292000000L)
                    .put("state", s.state()).put("cores", 1).put("memory", 1024).put("submitdate", "Thu Dec 03 10:00:00 UTC 2026")
                    .put("worker", "None").put("mainclass", s.request().path("mainClass").asText(""));
        }
        return ok(state);
    }

    private static boolean allText(JsonNode node) {
        for (JsonNode value : node) {
            if (!value.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode answer(String action, String id) {
        return JSON.createObjectNode().put("action", action).put("serverSparkVersion", VERSION).put("submissionId", id);
    }

    private static LocalHttpServer.Response ok(ObjectNode body) {
        return LocalHttpServer.Response.of(200, body.toString());
    }

    private LocalHttpServer.Response violation(String message) {
        violations.add(message);
        return error(400, message);
    }

    private static LocalHttpServer.Response error(int status, String message) {
        return LocalHttpServer.Response.of(status, JSON.createObjectNode().put("action", "ErrorResponse")
                .put("message", message).put("serverSparkVersion", VERSION).toString());
    }

    @Override
    public void close() {
        http.close();
    }
}
