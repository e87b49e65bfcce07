package io.streamops.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server binary from a Debian package (prometheus, prometheus-alertmanager) run as its own process on
 * 127.0.0.1: started, awaited on its readiness path, read over HTTP, and stopped by {@link #close()} or,
 * if the test JVM dies first, by a shutdown hook.
 */
public final class ServerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;
    private final Thread reaper;

    private ServerProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
        this.reaper = new Thread(process::destroyForcibly, name + "-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Runs {@code command} (which must listen on 127.0.0.1:{@code port}), its output to {@code log}, and
     * waits until {@code readyPath} answers 200.
     */
    public static ServerProcess start(String name, List<String> command, int port, Path log, String readyPath, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ServerProcess server = new ServerProcess(name, port, log, process);
            try {
                Await.until(name + " on port " + port + " to be ready (log: " + log + ")", timeout, () -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
                    }
                    return server.get(readyPath).statusCode() == 200;
                });
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path log() {
        return log;
    }

    /** GET {@code pathAndQuery}; a refused connection is a {@link RefusedResponse}. */
    public HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(url().resolve(pathAndQuery)));
    }

    /** POST {@code json} to {@code path}; a refused connection is a {@link RefusedResponse}. */
    public HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(url().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest r = request.timeout(Duration.ofSeconds(10)).build();
        try {
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new RefusedResponse(r.uri());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().removeShutdownHook(reaper);
    }
}
