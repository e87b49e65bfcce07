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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dashboard's buttons (exporter.yaml {@code dashboard.actions}), the API resource {@code actions}:
 * {@code GET /api/actions} lists their labels by index; {@code POST /api/actions/<index>} makes the exporter
 * POST {@code {"action": label}} to the action's URL. The browser never calls the URL itself: the page's
 * Content-Security-Policy allows only this origin, and the URL (which may carry a key) never leaves the exporter.
 *
 * <p>The call runs on a small executor of its own ({@link #CALLERS} threads, {@link #QUEUED} presses waiting at
 * most; a press beyond that is refused with 503), never on the HTTP server's threads, and times out after
 * {@link #TIMEOUT}. A press waits for its outcome at most {@link #ANSWER_WITHIN}: an action that answered by
 * then is reported at once (its status, or 502 if it failed); otherwise the press answers
 * {@code {"state": "pending", "press": n}} and {@code GET /api/actions?press=n} tells the outcome when it comes
 * ({@link Press}). So slow or silent action URLs hold at most {@link #CALLERS} threads of their own, and the
 * exporter's API keeps answering.
 *
 * <p>A press changes state, so like every other such request it goes through {@link ExporterHttpServer}'s
 * one authorisation check: it needs {@code Authorization: Bearer <http.token>} (the page asks for it once),
 * and with no {@code http.token} configured presses are refused (403). A page of another origin cannot send
 * that header without a CORS preflight, which is never granted.
 */
final class DashboardActions implements ExporterHttpServer.Resource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardActions.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);
    static final int CALLERS = 2;
    static final int QUEUED = 8;
    /** Outcomes kept for the page to ask after, the newest. */
    static final int KEPT = 200;

    /** One button as the page gets it. */
    record Button(int id, String label) {
    }

    /**
     * A press and its outcome: {@code state} is pending, done (the URL answered 2xx) or failed; {@code status} is
     * the URL's answer, if any; {@code error} says why it failed (never the URL).
     */
    record Press(long press, String action, String state, Integer status, String error) {
        boolean pending() {
            return state.equals("pending");
        }
    }

    private final List<DashboardAction> actions;
    private final boolean pressable;
    private final Duration timeout;
    private final Duration answerWithin;
    private final HttpClient http;
    private final ThreadPoolExecutor callers;
    private final AtomicLong presses = new AtomicLong();
    private final Map<Long, Press> outcomes = new LinkedHashMap<>() { // guarded by itself
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Press> eldest) {
            return size() > KEPT;
        }
    };

    /** {@code pressable}: whether {@code http.token} is configured (without it the server refuses presses). */
    DashboardActions(List<DashboardAction> actions, boolean pressable) {
        this(actions, pressable, TIMEOUT, ANSWER_WITHIN);
    }

    DashboardActions(List<DashboardAction> actions, boolean pressable, Duration timeout, Duration answerWithin) {
        this.actions = List.copyOf(actions);
        this.pressable = pressable;
        this.timeout = timeout;
        this.answerWithin = answerWithin;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        AtomicInteger n = new AtomicInteger();
        this.callers = new ThreadPoolExecutor(CALLERS, CALLERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED), r -> {
            Thread t = new Thread(r, "dashboard-action-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        this.callers.allowCoreThreadTimeOut(true);
    }

    /**
     * What {@code GET /api/actions} answers: the labels, and whether presses are enabled (they need the token);
     * with {@code press=n}, that press's outcome.
     */
    @Override
    public Object get(Map<String, String> query) throws ExporterHttpServer.ApiException {
        if (query.containsKey("press")) {
            String n = query.get("press");
            Press p = null;
            if (n.length() <= 18 && !n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                synchronized (outcomes) {
                    p = outcomes.get(Long.parseLong(n));
                }
            }
            if (p == null) {
                throw new ExporterHttpServer.ApiException(404, "no press " + n + " (the exporter keeps the last " + KEPT + ")");
            }
            return p;
        }
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
        Press pending = new Press(presses.incrementAndGet(), action.label(), "pending", null, null);
        keep(pending);
        Future<Press> outcome;
        try {
            outcome = callers.submit(() -> keep(call(pending.press(), action)));
        } catch (RejectedExecutionException e) {
            synchronized (outcomes) {
                outcomes.remove(pending.press());
            }
            throw new ExporterHttpServer.ApiException(503, action.label() + ": " + (CALLERS + QUEUED)
                    + " presses are still waiting for their action URLs; try again later");
        }
        try {
            Press done = outcome.get(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
            if (done.state().equals("failed")) {
                throw new ExporterHttpServer.ApiException(502, action.label() + ": " + done.error());
            }
            return done;
        } catch (TimeoutException e) {
            return pending; // the page asks after it with GET /api/actions?press=n
        } catch (ExecutionException e) {
            throw new ExporterHttpServer.ApiException(500, action.label() + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExporterHttpServer.ApiException(503, action.label() + ": interrupted");
        }
    }

    private Optional<DashboardAction> action(String index) {
        if (index.isEmpty() || index.length() > 3 || !index.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        int i = Integer.parseInt(index);
        return i < actions.size() ? Optional.of(actions.get(i)) : Optional.empty();
    }

    private Press keep(Press p) {
        synchronized (outcomes) {
            outcomes.put(p.press(), p);
        }
        return p;
    }

    /** POSTs to the action's URL; the outcome names the action and the status, never the URL or its body. */
    private Press call(long press, DashboardAction action) {
        try {
            String body = Json.MAPPER.writeValueAsString(Map.of("action", action.label()));
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(action.url()).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.discarding());
            LOG.info("dashboard action '{}' pressed: {} answered {}", action.label(), action.url().getHost(), r.statusCode());
            return r.statusCode() / 100 == 2 ? new Press(press, action.label(), "done", r.statusCode(), null)
                    : new Press(press, action.label(), "failed", r.statusCode(), "the action's URL answered " + r.statusCode());
        } catch (IOException e) {
            LOG.warn("dashboard action '{}': {} did not answer: {}", action.label(), action.url().getHost(), e.toString());
            return new Press(press, action.label(), "failed", null, "the action's URL did not answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Press(press, action.label(), "failed", null, "interrupted (the exporter is stopping)");
        }
    }

    @Override
    public void close() {
        callers.shutdownNow();
    }
}
