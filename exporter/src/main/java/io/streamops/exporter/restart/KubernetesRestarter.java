package io.streamops.exporter.restart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.streamops.exporter.support.Json;
import io.streamops.exporter.support.Secret;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code kubernetes} restarter: a {@code SparkApplication} of the kubeflow Spark operator
 * ({@code sparkoperator.k8s.io/v1beta2}) or of the Apache Spark Kubernetes operator
 * ({@code spark.apache.org/v1}), through the Kubernetes API with the pod's service-account token and the
 * cluster CA.
 *
 * <p>Restart is delete, then create from the stored spec. Changing the spec of an application in FAILED
 * does not make the kubeflow operator submit it again (kubeflow spark-operator issue 2618), and neither
 * operator has a "restart now" verb; a new object is the one thing both act on. The delete is in the
 * foreground ({@code propagationPolicy=Foreground}) and the create waits until the object is gone: the
 * object then outlives its driver pod and services, so the new application's driver pod, which has the
 * same name, is not refused because the old one is still terminating (with the default background
 * delete the object goes at once and the old driver pod only later). Before the delete, the
 * application as it is (metadata that identifies it, and its spec) is written to {@code storedSpec}, so
 * an exporter killed between the delete and the create still has it for the next attempt; an
 * application that is gone and was never seen is created from {@code manifest}, if one is configured.
 * The stored spec is on this instance's disk ({@code data_dir}): another instance that takes the job over
 * does not have it, so with several instances the {@code manifest} is what makes a take-over between the
 * delete and the create safe (README, restarts). Sharing the spec through Kafka was left out: the
 * manifest is one file an operator already has.
 * The token file is read for each request: Kubernetes rotates projected service-account tokens.
 */
public final class KubernetesRestarter implements Restarter {
    /** The two operators' SparkApplication API versions. */
    public static final List<String> API_VERSIONS = List.of("sparkoperator.k8s.io/v1beta2", "spark.apache.org/v1");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final KubernetesConfig config;
    private final RestApi api;

    /**
     * @param apiServer  e.g. https://kubernetes.default.svc
     * @param apiVersion one of {@link #API_VERSIONS}
     * @param storedSpec where the last application seen is kept between attempts
     * @param manifest   a SparkApplication (YAML or JSON) to create when none exists and none was seen
     * @param deleteWait how long the operator may take to clean up after a delete
     */
    public record KubernetesConfig(URI apiServer, String namespace, String name, String apiVersion, Path tokenFile,
                                   Path caFile, Path storedSpec, Optional<Path> manifest, Duration deleteWait) implements RestarterSettings {
    }

    public KubernetesRestarter(KubernetesConfig config) {
        this(config, RestApi.Retries.DEFAULT);
    }

    KubernetesRestarter(KubernetesConfig config, RestApi.Retries retries) {
        this.config = config;
        HttpClient client = HttpClient.newBuilder()
                .sslContext(CaCertificates.trusting(config.caFile()))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.api = new RestApi(config.apiServer(), client, this::token, retries, "Kubernetes");
    }

    private Optional<Secret> token() {
        try {
            return Optional.of(Secret.of(Files.readString(config.tokenFile(), StandardCharsets.UTF_8).strip()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // then the API answers 401, and the message says the token was refused
        }
    }

    private String collection() {
        return "/apis/" + config.apiVersion() + "/namespaces/" + config.namespace() + "/sparkapplications";
    }

    private String object() {
        return collection() + "/" + config.name();
    }

    @Override
    public Launch restart(RestartRequest request) throws RestartException {
        RestApi.Answer current = api.get(object());
        ObjectNode application;
        if (current.ok()) {
            application = identityAndSpec(current.body());
            store(application);
            RestApi.Answer deleted = api.delete(object() + "?propagationPolicy=Foreground");
            if (!deleted.ok() && deleted.status() != 404) {
                throw api.failure("delete of " + describe(), deleted, "reason", "message");
            }
            awaitGone();
        } else if (current.status() == 404) {
            application = stored();
        } else {
            throw api.failure("get of " + describe(), current, "reason", "message");
        }
        RestApi.Answer created = api.post(collection(), application, false);
        if (!created.ok()) {
            throw api.failure("create of " + describe(), created, "reason", "message");
        }
        return Launch.of(created.body().path("metadata").path("uid").asText(config.name()));
    }

    private String describe() {
        return "SparkApplication " + config.namespace() + "/" + config.name();
    }

    /** What a new object needs: no uid, resourceVersion, status or other server-owned fields. */
    private ObjectNode identityAndSpec(JsonNode found) {
        ObjectNode application = Json.MAPPER.createObjectNode()
                .put("apiVersion", config.apiVersion())
                .put("kind", "SparkApplication");
        ObjectNode metadata = application.putObject("metadata")
                .put("name", config.name())
                .put("namespace", config.namespace());
        for (String field : List.of("labels", "annotations")) {
            if (found.path("metadata").path(field).isObject()) {
                metadata.set(field, found.path("metadata").path(field).deepCopy());
            }
        }
        application.set("spec", found.path("spec").deepCopy());
        return application;
    }

    private void store(ObjectNode application) throws RestartException {
        try {
            Files.createDirectories(config.storedSpec().toAbsolutePath().getParent());
            Path temp = config.storedSpec().resolveSibling(config.storedSpec().getFileName() + ".tmp");
            Files.write(temp, Json.MAPPER.writeValueAsBytes(application));
            Files.move(temp, config.storedSpec(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RestartException("cannot store the spec of " + describe() + " in " + config.storedSpec()
                    + " before deleting it: " + e.getMessage(), e);
        }
    }

    private ObjectNode stored() throws RestartException {
        Optional<Path> source = Files.isReadable(config.storedSpec()) ? Optional.of(config.storedSpec()) : config.manifest();
        if (source.isEmpty()) {
            throw new RestartException(describe() + " does not exist and this instance has no spec of it stored in "
                    + config.storedSpec() + " (set the target's manifest: the stored spec is per instance, and with"
                    + " several instances the one that deleted it may be another)");
        }
        try {
            return identityAndSpec(YAML.readTree(source.get().toFile()));
        } catch (IOException e) {
            throw new RestartException("cannot read the spec of " + describe() + " from " + source.get() + ": " + e.getMessage(), e);
        }
    }

    private void awaitGone() throws RestartException {
        RetryPolicy<Integer> poll = RetryPolicy.<Integer>builder()
                .handleResultIf(status -> status != 404)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .withMaxDuration(config.deleteWait())
                .withMaxRetries(-1)
                .build();
        int status;
        try {
            status = Failsafe.with(poll).get(() -> api.get(object()).status());
        } catch (FailsafeException e) {
            throw e.getCause() instanceof RestartException r ? r : new RestartException(describe() + ": " + e.getMessage(), e);
        }
        if (status != 404) {
            throw new RestartException(describe() + " was still there " + config.deleteWait().toSeconds()
                    + " s after its delete (HTTP " + status + ")");
        }
    }
}
