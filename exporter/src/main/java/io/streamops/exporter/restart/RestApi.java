package io.streamops.exporter.restart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.streamops.exporter.support.Json;
import io.streamops.exporter.support.Secret;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * JSON over HTTP for the restarters that talk to a platform's API: a bearer token when there is one,
 * and retries with exponential back-off and jitter (Failsafe) on what the APIs document as passing:
 * 429 and 503 always, other 5xx and lost connections only for a request that is safe to repeat; a
 * Retry-After the server sends is honoured, up to the longest back-off. The
 * token never appears in a message: server answers are redacted before they are quoted.
 */
final class RestApi {
    private static final Set<Integer> ALWAYS_RETRIED = Set.of(429, 503);

    /** How often and how patiently a request is repeated. */
    record Retries(Duration initialDelay, Duration maxDelay, int maxRetries) {
        /** 0.5 s doubling to 20 s, 6 retries: about a minute, inside the restart's own progress deadline. */
        static final Retries DEFAULT = new Retries(Duration.ofMillis(500), Duration.ofSeconds(20), 6);
    }

    /** An answer: the status and the JSON body (a missing node when there was none or it was not JSON). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final URI base;
    private final HttpClient client;
    private final Supplier<Optional<Secret>> token;
    private final Retries retries;
    private final String platform;

    /**
     * @param base     the API's root; request paths are appended to it
     * @param token    read for each request, so a rotated token file is picked up
     * @param platform names the API in messages, e.g. "Databricks"
     */
    RestApi(URI base, HttpClient client, Supplier<Optional<Secret>> token, Retries retries, String platform) {
        this.base = base;
        this.client = client;
        this.token = token;
        this.retries = retries;
        this.platform = platform;
    }

    Answer get(String path) throws Restarter.RestartException {
        return send("GET", path, null, true);
    }

    Answer delete(String path) throws Restarter.RestartException {
        return send("DELETE", path, null, true);
    }

    /** @param idempotent whether repeating it cannot do the work twice (an idempotency token, a cancel) */
    Answer post(String path, JsonNode body, boolean idempotent) throws Restarter.RestartException {
        return send("POST", path, body, idempotent);
    }

    private Answer send(String method, String path, JsonNode body, boolean idempotent) throws Restarter.RestartException {
        Optional<Secret> secret = token.get();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        secret.ifPresent(s -> builder.header("Authorization", "Bearer " + s.reveal()));
        if (body != null) {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpRequest request = builder.build();
        RetryPolicy<HttpResponse<String>> policy = RetryPolicy.<HttpResponse<String>>builder()
                .handleResultIf(r -> ALWAYS_RETRIED.contains(r.statusCode()) || idempotent && r.statusCode() >= 500)
                .handleIf(e -> idempotent && e instanceof IOException)
                .withBackoff(retries.initialDelay(), retries.maxDelay())
                .withDelayFn(context -> retryAfter(context.getLastResult())) // negative: Failsafe's back-off
                .withJitter(0.1)
                .withMaxRetries(retries.maxRetries())
                .build();
        try {
            HttpResponse<String> response = Failsafe.with(policy).get(() -> client.send(request, HttpResponse.BodyHandlers.ofString()));
            return new Answer(response.statusCode(), parse(response.body()));
        } catch (FailsafeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new Restarter.RestartException(platform + " " + method + " " + path + ": "
                    + redact(secret, cause.getClass().getSimpleName() + ": " + cause.getMessage()), cause);
        }
    }

    /**
     * The wait a 429 or 503 asked for (Retry-After in seconds, as Databricks sends it), at most the longest
     * back-off; a negative duration when it asked for none, which tells Failsafe to use the back-off.
     */
    private Duration retryAfter(HttpResponse<String> response) {
        Duration none = Duration.ofMillis(-1);
        if (response == null) {
            return none;
        }
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: keep to the back-off
            }
        }).map(wait -> wait.compareTo(retries.maxDelay()) > 0 ? retries.maxDelay() : wait).orElse(none);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** A failed answer as an exception: status, the API's own error fields, redacted. */
    Restarter.RestartException failure(String what, Answer answer, String... fields) {
        StringBuilder text = new StringBuilder(platform).append(' ').append(what).append(": HTTP ").append(answer.status());
        if (answer.status() == 401) {
            text.append(" (the token was refused)");
        } else if (answer.status() == 403) {
            text.append(" (the token may not do this)");
        }
        for (String field : fields) {
            String value = answer.body().path(field).asText("");
            if (!value.isEmpty()) {
                text.append(' ').append(field).append('=').append(value);
            }
        }
        return new Restarter.RestartException(redact(token.get(), text.toString()));
    }

    private static String redact(Optional<Secret> secret, String text) {
        return secret.map(s -> s.redactFrom(text)).orElse(text);
    }
}
