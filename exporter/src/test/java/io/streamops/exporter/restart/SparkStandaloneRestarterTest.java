package io.streamops.exporter.restart;

import io.streamops.testkit.SparkStandaloneContractServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SparkStandaloneRestarterTest {
    private static final RestApi.Retries QUICK = new RestApi.Retries(Duration.ofMillis(10), Duration.ofMillis(50), 3);
    private final SparkStandaloneContractServer master = new SparkStandaloneContractServer();
    private final RestartSubject subject = new RestartSubject("orders", "$(touch /tmp/pwned)", "q-1", "app-1", Map.of());

    @AfterEach
    void stop() {
        master.close();
    }

    private SparkStandaloneRestarter restarter(Map<String, String> properties) {
        return new SparkStandaloneRestarter(new SparkStandaloneRestarter.StandaloneConfig(master.url(),
                "hdfs:///jobs/orders.jar", "com.example.Orders", ArgvTemplate.ofArguments(List.of("--query", "{query_name}")),
                properties, Map.of("SPARK_ENV_LOADED", "1"), "3.5.7"), HttpClient.newHttpClient(), QUICK);
    }

    @Test
    void submitsAValidRequestAndPassesEventValuesAsWholeArguments() throws Exception {
        Launch launch = restarter(Map.of("spark.app.name", "orders")).restart(new RestartRequest(subject, 1, "orders#1", ""));

        assertThat(master.violations()).isEmpty();
        SparkStandaloneContractServer.Submission submission = master.submissions().get(0);
        assertThat(launch.handle()).isEqualTo(submission.id());
        assertThat(submission.request().path("appArgs").get(1).asText()).isEqualTo("$(touch /tmp/pwned)");
        assertThat(submission.request().path("mainClass").asText()).isEqualTo("com.example.Orders");
    }

    @Test
    void aDriverItDidNotSubmitIsLookedUpInTheMastersStateAndKilledBeforeTheFirstRestart() throws Exception {
        String teams = master.runDriver("com.example.Orders");
        String other = master.runDriver("com.example.Payments");
        SparkStandaloneRestarter restarter = new SparkStandaloneRestarter(new SparkStandaloneRestarter.StandaloneConfig(master.url(),
                "hdfs:///jobs/orders.jar", "com.example.Orders", ArgvTemplate.ofArguments(List.of()),
                Map.of("spark.app.name", "orders"), Map.of(), "3.5.7", java.util.Optional.of(master.url())),
                HttpClient.newHttpClient(), QUICK);

        String started = restarter.restart(new RestartRequest(subject, 1, "orders#1", "")).handle();

        assertThat(master.violations()).isEmpty();
        assertThat(master.submissions()).extracting(SparkStandaloneContractServer.Submission::id, SparkStandaloneContractServer.Submission::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(teams, "KILLED"), org.assertj.core.groups.Tuple.tuple(other, "RUNNING"),
                        org.assertj.core.groups.Tuple.tuple(started, "RUNNING"));
    }

    @Test
    void killsThePreviousDriverIfItStillRunsAndNotIfItEnded() throws Exception {
        SparkStandaloneRestarter restarter = restarter(Map.of("spark.app.name", "orders"));
        String first = restarter.restart(new RestartRequest(subject, 1, "orders#1", "")).handle();
        String second = restarter.restart(new RestartRequest(subject, 2, "orders#2", first)).handle();
        assertThat(master.submissions()).extracting(SparkStandaloneContractServer.Submission::state)
                .containsExactly("KILLED", "RUNNING");

        master.driverState(second, "FAILED");
        restarter.restart(new RestartRequest(subject, 3, "orders#3", second));
        assertThat(master.submissions().get(1).state()).isEqualTo("FAILED");
        assertThat(master.http().requests()).noneMatch(r -> r.path().equals("/v1/submissions/kill/" + second));

        restarter.restart(new RestartRequest(subject, 4, "orders#4", "driver-unknown-to-the-master"));
        assertThat(master.submissions()).hasSize(4);
    }

    @Test
    void anErrorResponseFailsTheAttemptWithTheMastersMessage() {
        assertThatThrownBy(() -> restarter(Map.of()).restart(new RestartRequest(subject, 1, "orders#1", "")))
                .isInstanceOf(Restarter.RestartException.class)
                .hasMessageContaining("HTTP 400").hasMessageContaining("spark.app.name");
        assertThat(master.submissions()).isEmpty();
    }

    @Test
    void aCreateIsNotRepeatedAfterAServerErrorButAStatusIs() throws Exception {
        master.http().failNext(500);
        assertThatThrownBy(() -> restarter(Map.of("spark.app.name", "orders")).restart(new RestartRequest(subject, 1, "orders#1", "")))
                .hasMessageContaining("HTTP 500");
        assertThat(master.http().requests()).hasSize(1);

        String first = restarter(Map.of("spark.app.name", "orders")).restart(new RestartRequest(subject, 2, "orders#2", "")).handle();
        master.http().failNext(500, 503);
        restarter(Map.of("spark.app.name", "orders")).restart(new RestartRequest(subject, 3, "orders#3", first));
        assertThat(master.submissions()).extracting(SparkStandaloneContractServer.Submission::state).containsExactly("KILLED", "RUNNING");
    }
}
