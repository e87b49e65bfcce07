package io.streamops.exporter.config;

import io.streamops.exporter.restart.CommandRestarter;
import io.streamops.exporter.restart.DatabricksRestarter;
import io.streamops.exporter.restart.KubernetesRestarter;
import io.streamops.exporter.restart.RestartPolicy;
import io.streamops.exporter.restart.RestartSubject;
import io.streamops.exporter.restart.RestartTarget;
import io.streamops.exporter.restart.RestartsConfig;
import io.streamops.exporter.restart.SparkStandaloneRestarter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestartsSectionTest {
    private static final String KAFKA = "kafka: {bootstrap_servers: b:9092}\ndata_dir: /var/lib/streamops\n";

    @TempDir
    Path dir;

    private ExporterConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return new ConfigLoader(env::get).parse(KAFKA + yaml, dir.resolve("exporter.yaml"));
    }

    @Test
    void readsEveryRestarterTypeWithPoliciesAndSecretsFromTheEnvironmentAndFiles() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "pem");
        Path token = Files.writeString(dir.resolve("token"), "k8s-token");
        Path dbToken = Files.writeString(dir.resolve("databricks-token"), "dapi-from-file\n");
        ExporterConfig config = parse("""
                restarts:
                  policy: {max_attempts: 3, initial_backoff: 2s}
                  targets:
                    - name: local
                      jobs: ["orders-*"]
                      tags: {env: prod}
                      restarter:
                        type: command
                        command: [/opt/spark/bin/spark-submit, --name, "{job}", app.jar, "{query_name}"]
                        environment: [JAVA_HOME, SPARK_HOME]
                      policy: {progress_deadline: 2m, multiplier: 1.5}
                    - name: standalone
                      jobs: [billing]
                      restarter:
                        type: spark-standalone
                        master: http://master:6066
                        app_resource: hdfs:///billing.jar
                        main_class: com.example.Billing
                        app_args: ["{job}"]
                        spark_properties: {spark.app.name: billing}
                    - name: lakehouse
                      jobs: ["dbx-*"]
                      restarter: {type: databricks, workspace: "https://adb-1.azuredatabricks.net", token: "${file:%s}", job_id: 42}
                    - name: k8s
                      restarter: {type: kubernetes, namespace: spark, name: "${APP}", api_version: spark.apache.org/v1,
                                  token_file: token, ca_file: ca.crt}
                """.formatted(dbToken), Map.of("APP", "orders-app"));

        RestartsConfig restarts = config.restarts();
        assertThat(restarts.journalTopic()).isEqualTo("streamops-restarts");
        assertThat(restarts.targets()).extracting(RestartTarget::name).containsExactly("local", "standalone", "lakehouse", "k8s");

        RestartTarget local = restarts.targets().get(0);
        assertThat(local.policy()).isEqualTo(new RestartPolicy(3, Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofMinutes(1),
                1.5, 0.1, Duration.ofHours(1), Duration.ofMinutes(2)));
        CommandRestarter.CommandConfig command = (CommandRestarter.CommandConfig) local.restarter();
        assertThat(command.argv().render(new RestartSubject("orders-eu", "q; rm", "", "", Map.of())))
                .containsExactly("/opt/spark/bin/spark-submit", "--name", "orders-eu", "app.jar", "q; rm");
        assertThat(command.environment()).containsExactly("JAVA_HOME", "SPARK_HOME");
        assertThat(command.logDir()).isEqualTo(Path.of("/var/lib/streamops/restart-logs"));

        assertThat(restarts.targets().get(1).policy().maxAttempts()).isEqualTo(3);
        assertThat(((SparkStandaloneRestarter.StandaloneConfig) restarts.targets().get(1).restarter()).sparkProperties())
                .containsEntry("spark.app.name", "billing");

        DatabricksRestarter.DatabricksConfig databricks = (DatabricksRestarter.DatabricksConfig) restarts.targets().get(2).restarter();
        assertThat(databricks.token().reveal()).isEqualTo("dapi-from-file");
        assertThat(databricks.jobId()).isEqualTo(42);
        assertThat(config.toString()).doesNotContain("dapi-from-file");

        KubernetesRestarter.KubernetesConfig k8s = (KubernetesRestarter.KubernetesConfig) restarts.targets().get(3).restarter();
        assertThat(k8s.name()).isEqualTo("orders-app");
        assertThat(k8s.apiServer()).hasToString("https://kubernetes.default.svc");
        assertThat(k8s.tokenFile()).isEqualTo(token);
        assertThat(k8s.caFile()).isEqualTo(ca);
        assertThat(k8s.storedSpec()).isEqualTo(Path.of("/var/lib/streamops/restarts/k8s-sparkapplication.json"));

        assertThat(restarts.targetFor("orders-eu", Map.of("env", "prod"))).map(RestartTarget::name).contains("local");
        assertThat(restarts.targetFor("orders-eu", Map.of("env", "dev"))).map(RestartTarget::name).contains("k8s");
        assertThat(restarts.targetFor("billing", Map.of())).map(RestartTarget::name).contains("standalone");
    }

    @Test
    void noRestartsSectionMeansNoTargets() throws Exception {
        assertThat(parse("", Map.of()).restarts()).isEqualTo(RestartsConfig.NONE);
        assertThat(RestartsConfig.NONE.targetFor("any", Map.of())).isEmpty();
    }

    @Test
    void everyProblemIsReportedWithItsPlace() {
        assertThatThrownBy(() -> parse("""
                restarts:
                  policy: {max_attempts: 0}
                  targets:
                    - name: a
                      restarter:
                        type: command
                        command: [spark-submit, "--name={job}", "{query_id}"]
                    - name: b
                      restarter: {type: spark-standalone, master: "ftp://x", app_resource: r, main_class: M, spark_properties: {}}
                    - name: c
                      restarter: {type: databricks, workspace: "https://w", token: "${DATABRICKS_TOKEN}", job_id: abc}
                    - name: d
                      restarter: {type: kubernetes, namespace: s, name: n, ca_file: missing.crt, token_file: missing-token,
                                  api_version: v1}
                    - name: e
                      restarter: {type: yarn}
                      policy: {initial_backoff: 2m, max_backoff: 1m, colour: blue}
                    - name: a
                      restarter: {type: command, command: [x]}
                """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exporter.yaml:4:11: restarts.policy: max_attempts must be at least 1")
                .hasMessageContaining("exporter.yaml:9:33: restarts.targets[0].restarter.command: '--name={job}': {job} is replaced only as a whole argument")
                .hasMessageContaining("restarts.targets[1].restarter.master: must be an http(s) URL with a host")
                .hasMessageContaining("restarts.targets[1].restarter: spark_properties: must set spark.app.name")
                .hasMessageContaining("restarts.targets[2].restarter.token: environment variable DATABRICKS_TOKEN is not set")
                .hasMessageContaining("restarts.targets[2].restarter.job_id: expected a Databricks job id")
                .hasMessageContaining("restarts.targets[3].restarter.ca_file: cannot read")
                .hasMessageContaining("restarts.targets[3].restarter.token_file: cannot read")
                .hasMessageContaining("restarts.targets[3].restarter: api_version: 'v1' is not one of")
                .hasMessageContaining("restarts.targets[4].restarter: unknown type 'yarn'")
                .hasMessageContaining("restarts.targets[4].policy: unknown field 'colour'")
                .hasMessageContaining("restarts.targets[5]: the name 'a' is used twice")
                .satisfies(e -> assertThat(List.of(e.getMessage().split("\n"))).allMatch(line -> line.startsWith(dir.resolve("exporter.yaml") + ":")));
    }

    @Test
    void theExamplesRestartsSectionIsValidOnceUncommented() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("exporter.example.yaml"));
        int start = lines.indexOf("# restarts:");
        String section = String.join("\n", lines.subList(start, lines.size()).stream().map(l -> l.substring(2)).toList());
        try {
            assertThat(parse(section + "\n", Map.of("DATABRICKS_TOKEN", "dapi-x")).restarts().targets()).hasSize(4);
        } catch (ConfigException e) {
            // Outside a pod the service account's files are missing: those are the only problems.
            assertThat(e.getMessage().split("\n"))
                    .allMatch(line -> line.contains("cannot read /var/run/secrets/kubernetes.io/serviceaccount/"));
        }
    }
}
