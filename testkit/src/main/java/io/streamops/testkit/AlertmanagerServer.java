package io.streamops.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus Alertmanager (Debian package prometheus-alertmanager) on 127.0.0.1 with clustering
 * off: on a route to nowhere, for checking what our Alertmanager sender posts the way Alertmanager itself
 * reads it ({@code GET /api/v2/alerts}), or on a configuration the test gives it.
 */
public final class AlertmanagerServer implements AutoCloseable {
    private static final String NOWHERE = """
            route:
              receiver: nowhere
            receivers:
              - name: nowhere
            """;

    private final ServerProcess server;

    private AlertmanagerServer(ServerProcess server) {
        this.server = server;
    }

    /** Starts one in {@code dir} with a route to nowhere and waits until it is ready. */
    public static AlertmanagerServer start(Path dir) {
        try {
            return start(dir, Files.writeString(dir.resolve("alertmanager.yml"), NOWHERE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts one in {@code dir} on the configuration file {@code config} and waits until it is ready. */
    public static AlertmanagerServer start(Path dir, Path config) {
        try {
            int port = Ports.free();
            return new AlertmanagerServer(ServerProcess.start("Alertmanager", List.of("prometheus-alertmanager",
                    "--config.file=" + config,
                    "--storage.path=" + Files.createDirectories(dir.resolve("alertmanager-data")),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address="), // no gossip port on 0.0.0.0
                    port, dir.resolve("alertmanager.log"), "/-/ready", Duration.ofSeconds(30)));
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

    /** {@code GET /api/v2/alerts} with the given query string (e.g. {@code active=true}). */
    public String alerts(String query) {
        return server.get("/api/v2/alerts?" + query).body();
    }

    /** {@code POST /api/v2/alerts}: {@code alertsJson} is a JSON array of alerts, as Prometheus sends them. */
    public HttpResponse<String> postAlerts(String alertsJson) {
        return server.post("/api/v2/alerts", alertsJson);
    }

    @Override
    public void close() {
        server.close();
    }
}
