package io.streamops.exporter.restart;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.testkit.KubernetesContractServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesRestarterTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.service-account";
    private static final RestApi.Retries QUICK = new RestApi.Retries(Duration.ofMillis(10), Duration.ofMillis(50), 3);
    private final KubernetesContractServer api = new KubernetesContractServer(resource("kubernetes-test-server.p12"),
            "changeit".toCharArray(), TOKEN);

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        api.close();
    }

    private static Path resource(String name) {
        try {
            return Path.of(KubernetesRestarterTest.class.getResource("/restart/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String application(String apiVersion) {
        return "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"SparkApplication\",\"metadata\":{\"name\":\"orders\","
                + "\"namespace\":\"spark\",\"labels\":{\"team\":\"payments\"}},\"spec\":{\"type\":\"Scala\","
                + "\"mainClass\":\"com.example.Orders\",\"restartPolicy\":{\"type\":\"Never\"}}}";
    }

    private KubernetesRestarter restarter(String apiVersion, String token, Optional<Path> manifest) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
        return new KubernetesRestarter(new KubernetesRestarter.KubernetesConfig(api.url(), "spark", "orders", apiVersion,
                tokenFile, resource("kubernetes-test-ca.pem"), dir.resolve("state/orders.json"), manifest,
                Duration.ofSeconds(10)), QUICK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sparkoperator.k8s.io/v1beta2", "spark.apache.org/v1"})
    void aFailedApplicationIsDeletedAndCreatedAgainFromItsSpec(String apiVersion) throws Exception {
        api.apply(application(apiVersion), "FAILED");
        String oldUid = api.get(apiVersion, "spark", "orders").path("metadata").path("uid").asText();

        Launch launch = restarter(apiVersion, TOKEN, Optional.empty()).restart(new RestartRequest(RestartSubject.ofJob("orders"), 1, "orders#1", ""));

        assertThat(api.violations()).isEmpty();
        JsonNode now = api.get(apiVersion, "spark", "orders");
        assertThat(now.path("metadata").path("uid").asText()).isNotEqualTo(oldUid).isEqualTo(launch.handle());
        assertThat(now.path("status").path("applicationState").path("state").asText()).isEqualTo("SUBMITTED");
        assertThat(now.path("metadata").path("labels").path("team").asText()).isEqualTo("payments");
        assertThat(now.path("spec").path("mainClass").asText()).isEqualTo("com.example.Orders");
        assertThat(api.requests()).extracting(KubernetesContractServer.Request::method).contains("DELETE", "POST");
        // In the foreground, so the object outlives its driver pod: the new driver pod (same name) is not refused.
        assertThat(api.requests()).filteredOn(r -> r.method().equals("DELETE"))
                .allMatch(r -> r.path().endsWith("?propagationPolicy=Foreground"));
        assertThat(api.created()).isEqualTo(1);
    }

    @Test
    void anApplicationDeletedBeforeTheCreateIsCreatedFromTheStoredSpec() throws Exception {
        String apiVersion = "sparkoperator.k8s.io/v1beta2";
        api.apply(application(apiVersion), "FAILED");
        KubernetesRestarter restarter = restarter(apiVersion, TOKEN, Optional.empty());
        restarter.restart(new RestartRequest(RestartSubject.ofJob("orders"), 1, "orders#1", ""));
        // Someone (or a killed exporter mid-restart) leaves no application behind.
        deleteAndWait(apiVersion);

        restarter.restart(new RestartRequest(RestartSubject.ofJob("orders"), 2, "orders#2", ""));
        assertThat(api.get(apiVersion, "spark", "orders").path("spec").path("type").asText()).isEqualTo("Scala");
        assertThat(api.created()).isEqualTo(2);
    }

    private void deleteAndWait(String apiVersion) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .sslContext(CaCertificates.trusting(resource("kubernetes-test-ca.pem"))).build();
        String url = api.url() + "/apis/" + apiVersion + "/namespaces/spark/sparkapplications/orders";
        client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "?propagationPolicy=Foreground")).DELETE()
                .header("Authorization", "Bearer " + TOKEN).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        io.streamops.testkit.Await.until("the application to be gone", Duration.ofSeconds(10), () -> {
            try {
                return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                        .header("Authorization", "Bearer " + TOKEN).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 404;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void anApplicationNeverSeenIsCreatedFromTheManifestOrTheAttemptFails() throws Exception {
        String apiVersion = "spark.apache.org/v1";
        assertThatThrownBy(() -> restarter(apiVersion, TOKEN, Optional.empty())
                .restart(new RestartRequest(RestartSubject.ofJob("orders"), 1, "orders#1", "")))
                .hasMessageContaining("does not exist and this instance has no spec of it stored in " + dir.resolve("state/orders.json"))
                .hasMessageContaining("set the target's manifest").hasMessageContaining("several instances");

        Path manifest = Files.writeString(dir.resolve("orders.yaml"), """
                apiVersion: spark.apache.org/v1
                kind: SparkApplication
                metadata:
                  name: orders
                spec:
                  mainClass: com.example.Orders
                """);
        restarter(apiVersion, TOKEN, Optional.of(manifest)).restart(new RestartRequest(RestartSubject.ofJob("orders"), 2, "orders#2", ""));
        assertThat(api.get(apiVersion, "spark", "orders").path("spec").path("mainClass").asText()).isEqualTo("com.example.Orders");
        assertThat(api.violations()).isEmpty();
    }

    @Test
    void serverErrorsAndRateLimitsAreRetried() throws Exception {
        String apiVersion = "sparkoperator.k8s.io/v1beta2";
        api.apply(application(apiVersion), "FAILED");
        api.failNext(503, 429, 500);
        restarter(apiVersion, TOKEN, Optional.empty()).restart(new RestartRequest(RestartSubject.ofJob("orders"), 1, "orders#1", ""));
        assertThat(api.created()).isEqualTo(1);
    }

    @Test
    void aRefusedTokenFailsTheAttemptWithoutShowingIt() throws Exception {
        api.apply(application("sparkoperator.k8s.io/v1beta2"), "FAILED");
        assertThatThrownBy(() -> restarter("sparkoperator.k8s.io/v1beta2", "stolen-or-expired", Optional.empty())
                .restart(new RestartRequest(RestartSubject.ofJob("orders"), 1, "orders#1", "")))
                .hasMessageContaining("HTTP 401").hasMessageContaining("Unauthorized").hasMessageNotContaining("stolen-or-expired");
        assertThat(api.created()).isZero();
    }

    @Test
    void aServerTheCaDoesNotVouchForIsRefused() throws Exception {
        api.apply(application("sparkoperator.k8s.io/v1beta2"), "FAILED");
        Path otherCa = Files.writeString(dir.resolve("other-ca.pem"),
                Files.readString(Path.of(getClass().getResource("/notify/smtp-test-server.pem").toURI())));
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
        KubernetesRestarter untrusting = new KubernetesRestarter(new KubernetesRestarter.KubernetesConfig(api.url(), "spark",
                "orders", "sparkoperator.k8s.io/v1beta2", tokenFile, otherCa, dir.resolve("s.json"), Optional.empty(),
                Duration.ofSeconds(5)), QUICK);
        assertThatThrownBy(() -> untrusting.restart(new RestartRequest(RestartSubject.ofJob("orders"), 1, "orders#1", "")))
                .isInstanceOf(Restarter.RestartException.class).hasMessageContaining("SSL");
        assertThat(api.requests()).isEmpty();
    }
}
