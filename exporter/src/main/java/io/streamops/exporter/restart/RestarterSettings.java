package io.streamops.exporter.restart;

import java.net.http.HttpClient;
import java.util.function.Function;

/** A restarter's validated settings (one per type of {@code restarter:} in exporter.yaml). */
public sealed interface RestarterSettings permits CommandRestarter.CommandConfig, SparkStandaloneRestarter.StandaloneConfig,
        DatabricksRestarter.DatabricksConfig, KubernetesRestarter.KubernetesConfig {

    /**
     * The restarter these settings describe.
     *
     * @param environment the exporter's environment, for the {@code command} restarter's allowlist
     */
    static Restarter create(RestarterSettings settings, Function<String, String> environment) {
        if (settings instanceof CommandRestarter.CommandConfig command) {
            return new CommandRestarter(command, environment);
        }
        if (settings instanceof SparkStandaloneRestarter.StandaloneConfig standalone) {
            return new SparkStandaloneRestarter(standalone, HttpClient.newHttpClient());
        }
        if (settings instanceof DatabricksRestarter.DatabricksConfig databricks) {
            return new DatabricksRestarter(databricks, HttpClient.newHttpClient());
        }
        return new KubernetesRestarter((KubernetesRestarter.KubernetesConfig) settings);
    }
}
