package io.streamops.exporter.web;

import io.streamops.exporter.http.ExporterHttpServer;
import io.streamops.exporter.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's buttons (exporter.yaml {@code dashboard.actions}), the API resource {@code actions}:
 * {@code GET /api/actions} lists their labels by index; {@code POST /api/actions/<index>} makes the exporter
 * POST {@code {"action": label}} to the action's URL and answers with the status it got (a URL that fails or
 * does not answer is a 502). The browser never calls the URL itself: the page's Content-Security-Policy
 * allows only this origin, and the URL (which may carry a key) never leaves the exporter.
 *
 * <p>A press changes state, so like every other such request it goes through {@link ExporterHttpServer}'s
 * one authorisation check: it needs {@code Authorization: Bearer <http.token>} (the page asks for it once),
 * and with no {@code http.token} configured presses are refused (403). A page of another origin cannot send
 * that header without a CORS preflight, which is never granted.
 */
final class DashboardActions implements ExporterHttpServer.Resource {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardActions.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One button as the page gets it. */
    record Button(int id, String label) {
    }

    private final List<DashboardAction> actions;
    private final boolean pressable;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** {@code pressable}: whether {@code http.token} is configured (without it the server refuses presses). */
    DashboardActions(List<DashboardAction> actions, boolean pressable) {
        this.actions = List.copyOf(actions);
        this.pressable = pressable;
    }

    /** What {@code GET /api/actions} answers: the labels, and whether presses are enabled (they need the token). */
    @Override
    public Object get(Map<String, String> query) {
        List<Button> buttons = new java.util.ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            buttons.add(new Button(i, actions.get(i).label()));
        }
        return Map.of("actions", buttons, "tokenRequired", true, "enabled", pressable);
    }

    /** A press of the button {@code index}; reached only with the right bearer token. */
    @Override
    public Object post(String index, String body) throws ExporterHttpServer.ApiException {
        DashboardAction action = action(index).orElseThrow(() -> new ExporterHttpServer.ApiException(404, "no such action"));
        return press(action);
    }

    private Optional<DashboardAction> action(String index) {
        if (index.isEmpty() || index.length() > 3 || !index.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        int i = Integer.parseInt(index);
        return i < actions.size() ? Optional.of(actions.get(i)) : Optional.empty();
    }

    /** POSTs to the action's URL; the answer names the action and the status, never the URL or its body. */
    private Map<String, Object> press(DashboardAction action) throws ExporterHttpServer.ApiException {
        try {
            String body = Json.MAPPER.writeValueAsString(Map.of("action", action.label()));
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(action.url()).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.discarding());
            LOG.info("dashboard action '{}' pressed: {} answered {}", action.label(), action.url().getHost(), r.statusCode());
            if (r.statusCode() / 100 != 2) {
                throw new ExporterHttpServer.ApiException(502, action.label() + ": the action's URL answered " + r.statusCode());
            }
            return Map.of("action", action.label(), "status", r.statusCode(), "ok", true);
        } catch (IOException e) {
            LOG.warn("dashboard action '{}': {} did not answer: {}", action.label(), action.url().getHost(), e.toString());
            throw new ExporterHttpServer.ApiException(502, action.label() + ": the action's URL did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExporterHttpServer.ApiException(503, action.label() + ": interrupted");
        }
    }
}
