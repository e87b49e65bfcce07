package io.streamops.exporter.restart;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamops.exporter.support.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code spark-standalone} restarter, through the master's REST submission API (port 6066,
 * {@code spark.master.rest.enabled=true}): if the previous attempt's driver is still known and alive
 * ({@code GET /v1/submissions/status/{id}}: SUBMITTED, RUNNING or RELAUNCHING), kill it
 * ({@code POST /v1/submissions/kill/{id}}), then submit again ({@code POST /v1/submissions/create}).
 *
 * <p>A create is not repeated after an error the master may have acted on (5xx, a lost connection): two
 * drivers on one checkpoint is worse than a failed attempt, which the policy retries with the old
 * driver's id to kill. The master answers errors with an {@code ErrorResponse} (HTTP 400, 468, 500) whose
 * {@code message} is quoted.
 */
public final class SparkStandaloneRestarter implements Restarter {
    private static final Set<String> ALIVE = Set.of("SUBMITTED", "RUNNING", "RELAUNCHING");

    private final StandaloneConfig config;
    private final RestApi api;
    private final Optional<RestApi> ui;

    /**
     * @param master          the master's REST URL, e.g. http://spark-master:6066
     * @param appResource     the application jar or file, as the cluster sees it
     * @param appArgs         its arguments; placeholders as whole arguments only, as for {@code command}
     * @param sparkProperties {@code spark.app.name} among them, as the API requires (the master sets {@code spark.master} itself)
     */
    public record StandaloneConfig(URI master, String appResource, String mainClass, ArgvTemplate appArgs,
                                   Map<String, String> sparkProperties, Map<String, String> environmentVariables,
                                   String clientSparkVersion, Optional<URI> masterUi) implements RestarterSettings {
        public StandaloneConfig {
            sparkProperties = Map.copyOf(sparkProperties);
            environmentVariables = Map.copyOf(environmentVariables);
        }

        /** Without the master web UI: only the drivers this restarter submitted are known. */
        public StandaloneConfig(URI master, String appResource, String mainClass, ArgvTemplate appArgs,
                                Map<String, String> sparkProperties, Map<String, String> environmentVariables,
                                String clientSparkVersion) {
            this(master, appResource, mainClass, appArgs, sparkProperties, environmentVariables, clientSparkVersion, Optional.empty());
        }
    }

    public SparkStandaloneRestarter(StandaloneConfig config, HttpClient client) {
        this(config, client, RestApi.Retries.DEFAULT);
    }

    SparkStandaloneRestarter(StandaloneConfig config, HttpClient client, RestApi.Retries retries) {
        this.config = config;
        this.api = new RestApi(config.master(), client, Optional::empty, retries, "Spark master");
        this.ui = config.masterUi().map(uri -> new RestApi(uri, client, Optional::empty, retries, "Spark master web UI"));
    }

    @Override
    public Launch restart(RestartRequest request) throws RestartException {
        if (!request.previous().isEmpty()) {
            killIfAlive(request.previous());
        }
        for (String driver : activeDriversOfThisApplication()) {
            if (!driver.equals(request.previous())) {
                killIfAlive(driver);
            }
        }
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("action", "CreateSubmissionRequest")
                .put("appResource", config.appResource())
                .put("mainClass", config.mainClass())
                .put("clientSparkVersion", config.clientSparkVersion());
        config.appArgs().render(request.subject()).forEach(body.putArray("appArgs")::add);
        ObjectNode properties = body.putObject("sparkProperties");
        config.sparkProperties().forEach(properties::put);
        ObjectNode environment = body.putObject("environmentVariables");
        config.environmentVariables().forEach(environment::put);

        RestApi.Answer answer = api.post("/v1/submissions/create", body, false);
        String submissionId = answer.body().path("submissionId").asText("");
        if (!answer.ok() || !answer.body().path("success").asBoolean(false) || submissionId.isEmpty()) {
            throw api.failure("create", answer, "action", "message");
        }
        return Launch.of(submissionId);
    }

    /** The master's active drivers of the target's main class, from its web UI's state; none without {@code master_ui}. */
    private java.util.List<String> activeDriversOfThisApplication() throws RestartException {
        if (ui.isEmpty()) {
            return java.util.List.of();
        }
        RestApi.Answer state = ui.get().get("/json/");
        if (!state.ok()) {
            throw ui.get().failure("state", state, "message");
        }
        java.util.List<String> drivers = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode driver : state.body().path("activedrivers")) {
            if (driver.path("mainclass").asText("").equals(config.mainClass()) && ALIVE.contains(driver.path("state").asText(""))) {
                drivers.add(driver.path("id").asText());
            }
        }
        return drivers;
    }

    private void killIfAlive(String submissionId) throws RestartException {
        RestApi.Answer status = api.get("/v1/submissions/status/" + submissionId);
        if (!status.ok()) {
            throw api.failure("status of " + submissionId, status, "action", "message");
        }
        // An unknown driver answers success=false: nothing to kill.
        if (!status.body().path("success").asBoolean(false) || !ALIVE.contains(status.body().path("driverState").asText(""))) {
            return;
        }
        RestApi.Answer kill = api.post("/v1/submissions/kill/" + submissionId, null, true);
        if (!kill.ok()) {
            throw api.failure("kill of " + submissionId, kill, "action", "message");
        }
    }
}
