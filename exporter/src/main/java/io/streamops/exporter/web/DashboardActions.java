package io.streamops.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.streamops.exporter.support.Json;
import io.streamops.exporter.support.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's buttons (exporter.yaml {@code dashboard.actions}): {@code GET /api/actions} lists their
 * labels by index; {@code POST /actions/<index>} makes the exporter POST {@code {"action": label}} to the
 * action's URL and answers with the status it got. The browser never calls the URL itself: the page's
 * Content-Security-Policy allows only this origin, and the URL (which may carry a key) never leaves the
 * exporter.
 *
 * <p>A press must be a JSON request ({@code Content-Type: application/json}), which a page of another
 * origin cannot send without a CORS preflight that is never granted; so another site cannot press a
 * button through the user's browser. With {@code http.token} configured it also needs
 * {@code Authorization: Bearer <token>} (the page asks for it once); without a token, anyone who can reach
 * the dashboard can press the buttons, as they can read it.
 */
final class DashboardActions implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardActions.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One button as the page gets it. */
    record Button(int id, String label) {
    }

    private final List<DashboardAction> actions;
    private final Optional<Secret> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    DashboardActions(List<DashboardAction> actions, Optional<Secret> token) {
        this.actions = List.copyOf(actions);
        this.token = token;
    }

    /** What {@code GET /api/actions} answers: the labels, and whether a press needs the token. */
    Map<String, Object> list() {
        List<Button> buttons = new java.util.ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            buttons.add(new Button(i, actions.get(i).label()));
        }
        return Map.of("actions", buttons, "tokenRequired", token.isPresent());
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if (!ex.getRequestMethod().equals("POST")) {
                ex.getResponseHeaders().set("Allow", "POST");
                respond(ex, 405, Map.of("error", ex.getRequestMethod() + " is not supported here"));
                return;
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                respond(ex, 415, Map.of("error", "an action is pressed with Content-Type: application/json"));
                return;
            }
            if (!authorized(ex)) {
                respond(ex, 401, Map.of("error", "a valid bearer token is required"));
                return;
            }
            Optional<DashboardAction> action = action(ex.getRequestURI().getPath());
            if (action.isEmpty()) {
                respond(ex, 404, Map.of("error", "no such action"));
                return;
            }
            respond(ex, press(action.get()));
        }
    }

    private Optional<DashboardAction> action(String path) {
        String index = path.substring(path.lastIndexOf('/') + 1);
        if (index.isEmpty() || index.length() > 3 || !index.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        int i = Integer.parseInt(index);
        return i < actions.size() ? Optional.of(actions.get(i)) : Optional.empty();
    }

    private boolean authorized(HttpExchange ex) {
        if (token.isEmpty()) {
            return true;
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring(7) : "";
        // Constant-time comparison: the token is a secret.
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token.get().reveal().getBytes(StandardCharsets.UTF_8));
    }

    /** POSTs to the action's URL; the answer names the action and the status, never the URL or its body. */
    private Reply press(DashboardAction action) {
        try {
            String body = Json.MAPPER.writeValueAsString(Map.of("action", action.label()));
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(action.url()).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.discarding());
            boolean ok = r.statusCode() / 100 == 2;
            LOG.info("dashboard action '{}' pressed: {} answered {}", action.label(), action.url().getHost(), r.statusCode());
            return new Reply(ok ? 200 : 502, Map.of("action", action.label(), "status", r.statusCode(), "ok", ok));
        } catch (IOException e) {
            LOG.warn("dashboard action '{}': {} did not answer: {}", action.label(), action.url().getHost(), e.toString());
            return new Reply(502, Map.of("action", action.label(), "ok", false, "error", "the action's URL did not answer"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(503, Map.of("action", action.label(), "ok", false, "error", "interrupted"));
        }
    }

    private record Reply(int status, Map<String, Object> body) {
    }

    private static void respond(HttpExchange ex, Reply reply) throws IOException {
        respond(ex, reply.status(), reply.body());
    }

    private static void respond(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
