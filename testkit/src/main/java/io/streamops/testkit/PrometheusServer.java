package io.streamops.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus server (Debian package prometheus) on 127.0.0.1 with the configuration a test gives
 * it (scrape targets, rule files, Alertmanagers) and its own storage in the test's folder. Its HTTP API
 * answers are returned as the JSON text Prometheus sent.
 */
public final class PrometheusServer implements AutoCloseable {
    private final ServerProcess server;

    private PrometheusServer(ServerProcess server) {
        this.server = server;
    }

    /** Writes {@code configYaml} to {@code dir}/prometheus.yml, starts Prometheus on it and waits until it is ready. */
    public static PrometheusServer start(Path dir, String configYaml) {
        try {
            Path config = Files.writeString(dir.resolve("prometheus.yml"), configYaml);
            int port = Ports.free();
            return new PrometheusServer(ServerProcess.start("Prometheus", List.of("prometheus",
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("prometheus-data")),
                    "--web.listen-address=127.0.0.1:" + port), port, dir.resolve("prometheus.log"), "/-/ready", Duration.ofSeconds(60)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return server.url();
    }

    public Path log() {
        return server.log();
    }

    /** {@code GET /api/v1/query?query=...}: the instant query's answer (status "error" with the parse error for bad PromQL). */
    public HttpResponse<String> query(String promql) {
        return server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** {@code GET} of any API path with its query string already encoded, e.g. {@code /api/v1/targets}. */
    public HttpResponse<String> get(String pathAndQuery) {
        return server.get(pathAndQuery);
    }

    @Override
    public void close() {
        server.close();
    }
}
