package io.streamops.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus Alertmanager (Debian package prometheus-alertmanager) on 127.0.0.1, with
 * clustering off and a route to nowhere: for checking what our Alertmanager sender posts the way
 * Alertmanager itself reads it ({@code GET /api/v2/alerts}).
 */
public final class AlertmanagerServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;
    private final Path log;
    private final Process process;
    private final Thread reaper;

    private AlertmanagerServer(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
        this.reaper = new Thread(process::destroyForcibly, "alertmanager-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts one in {@code dir} and waits until it is ready. */
    public static AlertmanagerServer start(Path dir) {
        try {
            Path config = Files.writeString(dir.resolve("alertmanager.yml"), """
                    route:
                      receiver: nowhere
                    receivers:
                      - name: nowhere
                    """);
            int port = Ports.free();
            Path log = dir.resolve("alertmanager.log");
            Process process = new ProcessBuilder("prometheus-alertmanager",
                    "--config.file=" + config,
                    "--storage.path=" + Files.createDirectories(dir.resolve("alertmanager-data")),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=") // no gossip port on 0.0.0.0
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            AlertmanagerServer server = new AlertmanagerServer(port, log, process);
            Await.until("Alertmanager on port " + port + " to be ready (log: " + log + ")", Duration.ofSeconds(30), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Alertmanager exited with " + process.exitValue() + "; see " + log);
                }
                return server.get("/-/ready").statusCode() == 200;
            });
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** {@code GET /api/v2/alerts} with the given query string (e.g. {@code active=true}). */
    public String alerts(String query) {
        return get("/api/v2/alerts?" + query).body();
    }

    private HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(url().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new RefusedResponse(url().resolve(path));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Runtime.getRuntime().removeShutdownHook(reaper);
    }
}
