package io.streamops.exporter.notify.http;

import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Failures;
import io.streamops.exporter.notify.NotificationText;
import io.streamops.exporter.support.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * POSTs a JSON body and turns the answer (or the failure to get one) into a {@link DeliveryOutcome}.
 * Every reason it produces goes through the notifier's redaction, so no token, routing key or
 * secret URL ends up in a log line.
 */
public final class JsonHttpSender {
    /** Enough of an error body to say what was wrong; receivers sometimes answer with whole HTML pages. */
    private static final int MAX_DETAIL_BYTES = 512;

    private final HttpClient client;
    private final Duration timeout;
    private final UnaryOperator<String> redact;
    private final Clock clock;

    public JsonHttpSender(Duration timeout, UnaryOperator<String> redact, Clock clock) {
        this.timeout = timeout;
        this.redact = redact;
        this.clock = clock;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                // HTTP/1.1: every webhook receiver speaks it; no h2c upgrade dance with small servers.
                .version(HttpClient.Version.HTTP_1_1)
                // Never follow redirects: the Authorization header must not travel to another host.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public DeliveryOutcome post(URI uri, Map<String, String> headers, byte[] json) {
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "streamops-exporter")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json));
            headers.forEach(builder::header);
            request = builder.build();
        } catch (IllegalArgumentException e) {
            // A header the JDK refuses (the configs check tokens, so this is a bug): resending cannot help.
            return DeliveryOutcome.rejected(redact.apply("invalid request: " + Failures.describe(e)));
        }
        BodyStart detail = new BodyStart();
        CompletableFuture<HttpResponse<Void>> exchange =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArrayConsumer(detail));
        try {
            // The request timeout covers only the wait for the headers; this one bounds the whole
            // exchange, so a server that stalls mid-body cannot hold the receiver's thread forever.
            HttpResponse<Void> response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return HttpOutcomes.forStatus(response.statusCode(), response.headers().firstValue("Retry-After"),
                    redact.apply(detail.text()), clock);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof IOException ? e.getCause() : e;
            return DeliveryOutcome.retryLater(redact.apply("cannot reach " + origin(uri) + ": " + Failures.describe(cause)));
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return DeliveryOutcome.retryLater("no answer from " + origin(uri) + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return DeliveryOutcome.retryLater("interrupted while sending to " + origin(uri));
        }
    }

    /** Keeps the first bytes of a response body and drops the rest. */
    private static final class BodyStart implements Consumer<Optional<byte[]>> {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        @Override
        public synchronized void accept(Optional<byte[]> chunk) {
            chunk.ifPresent(bytes -> kept.write(bytes, 0, Math.min(bytes.length, MAX_DETAIL_BYTES - kept.size())));
        }

        synchronized String text() {
            return NotificationText.oneLine(kept.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * Fails (at configuration time) for a token that cannot go in an HTTP header: anything but
     * visible ASCII. The message never shows the token.
     */
    static void checkBearerToken(Secret token) {
        if (!token.reveal().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("bearer token must be visible ASCII characters only (no spaces or line breaks)");
        }
    }

    /** {@code https://host:port}: the part of a URL that is safe to log (a webhook path may hold a token). */
    public static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** {@code base} + {@code path}, with exactly one slash between them. */
    public static URI join(URI base, String path) {
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text + path);
    }
}
