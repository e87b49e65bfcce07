package io.streamops.exporter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamops.exporter.support.Json;
import io.streamops.exporter.support.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * /metrics, /healthz, /readyz and the JSON API. Reading needs no token; anything that changes state
 * needs {@code Authorization: Bearer <http.token>}, and with no token configured such requests are
 * refused outright.
 */
public final class ExporterHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExporterHttpServer.class);
    /** The largest request body read (a silence is well under 1 KiB); a larger one is refused with 413. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** One API resource: GET returns JSON; POST/DELETE (token required) change it. */
    public interface Resource {
        Object get(Map<String, String> query) throws Exception;

        default Object post(String body) throws Exception {
            throw new ApiException(405, "not supported");
        }

        /** POST to {@code /api/<resource>/<path>}; {@code path} is "" for the resource itself. */
        default Object post(String path, String body) throws Exception {
            return post(body);
        }

        default Object delete(String id) throws Exception {
            throw new ApiException(405, "not supported");
        }
    }

    /** An error with its HTTP status; the message is shown to the caller. */
    public static final class ApiException extends Exception {
        final int status;

        public ApiException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final HttpServer server;
    private final Optional<Secret> token;
    private final Map<String, Resource> resources = new ConcurrentHashMap<>();
    private volatile Supplier<Optional<String>> health = Optional::empty;

    public ExporterHttpServer(String host, int port, Optional<Secret> token, Supplier<String> metrics, BooleanSupplier ready)
            throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "exporter-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
        server.createContext("/healthz", ex -> {
            Optional<String> problem = health.get();
            respond(ex, problem.isEmpty() ? 200 : 503, "text/plain", problem.map(p -> "unhealthy: " + p + "\n").orElse("ok\n"));
        });
        server.createContext("/readyz", ex -> {
            boolean ok = ready.getAsBoolean();
            respond(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
        });
        server.createContext("/api/", this::api);
        server.start();
    }

    /** What /healthz answers: 200 "ok", or 503 with the problem {@code problem} names (empty while healthy). */
    public void health(Supplier<Optional<String>> problem) {
        this.health = problem;
    }

    public void resource(String name, Resource resource) {
        resources.put(name, resource);
    }

    /** Serves {@code path} and everything under it not otherwise routed (the web dashboard's page and assets). */
    public void page(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void api(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().substring("/api/".length());
        String[] parts = path.split("/", 2);
        Resource resource = resources.get(parts[0]);
        try {
            if (resource == null) {
                throw new ApiException(404, "no such resource: /api/" + parts[0]);
            }
            String method = ex.getRequestMethod();
            Object result;
            if (method.equals("GET")) {
                result = resource.get(query(ex.getRequestURI().getRawQuery()));
            } else {
                authorize(ex);
                if (method.equals("POST")) {
                    result = resource.post(parts.length == 2 ? parts[1] : "", body(ex));
                } else if (method.equals("DELETE") && parts.length == 2) {
                    result = resource.delete(parts[1]);
                } else {
                    throw new ApiException(405, method + " is not supported here");
                }
            }
            respond(ex, 200, "application/json", Json.MAPPER.writeValueAsString(result));
        } catch (ApiException e) {
            respond(ex, e.status, "application/json", Json.MAPPER.writeValueAsString(Map.of("error", e.getMessage())));
        } catch (Exception e) {
            LOG.warn("API {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            respond(ex, 500, "application/json", Json.MAPPER.writeValueAsString(Map.of("error", "internal error")));
        }
    }

    private void authorize(HttpExchange ex) throws ApiException {
        if (token.isEmpty()) {
            throw new ApiException(403, "changes are disabled: no http.token is configured");
        }
        byte[] expected = token.get().reveal().getBytes(StandardCharsets.UTF_8);
        String header = ex.getRequestHeaders().getFirst("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring(7) : "";
        // Constant-time comparison: the token is a secret.
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected)) {
            throw new ApiException(401, "a valid bearer token is required");
        }
    }

    /**
     * The request body, read up to {@link #MAX_BODY_BYTES}: a larger one is refused whatever it claims
     * (a stated length is checked first; a chunked body is cut off at the limit, never read whole).
     */
    private static String body(HttpExchange ex) throws IOException, ApiException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
                && Long.parseLong(length) > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] bytes = ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static ApiException tooLarge() {
        return new ApiException(413, "request body over " + MAX_BODY_BYTES + " bytes");
    }

    /** The query string's parameters; a malformed one (a bad % escape) is the caller's mistake: 400. */
    static Map<String, String> query(String raw) throws ApiException {
        Map<String, String> out = new ConcurrentHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    try {
                        out.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        throw new ApiException(400, "malformed query string: " + e.getMessage());
                    }
                }
            }
        }
        return out;
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
