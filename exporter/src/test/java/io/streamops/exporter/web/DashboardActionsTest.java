package io.streamops.exporter.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.http.ExporterHttpServer;
import io.streamops.exporter.notify.LogCapture;
import io.streamops.exporter.support.Json;
import io.streamops.exporter.support.Secret;
import io.streamops.testkit.LocalHttpServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's buttons on a real exporter HTTP server, pressing against a real local HTTP server: the page
 * gets labels (never URLs); a press with the http.token makes the exporter POST the action to its URL and
 * report the status; a press without the token (or with no token configured at all, like every other
 * state-changing request), a GET, an unknown index are refused and reach nobody; a failing URL is a 502.
 */
class DashboardActionsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "t0ken";

    @Test
    void aPressWithTheTokenPostsTheActionToItsUrlAndNothingElseDoes() throws Exception {
        try (LogCapture log = new LogCapture();
             LocalHttpServer hook = LocalHttpServer.answering(202);
             LocalHttpServer broken = LocalHttpServer.answering(500);
             ExporterHttpServer server = new ExporterHttpServer("127.0.0.1", 0, Optional.of(Secret.of(TOKEN)), () -> "", () -> true);
             Dashboard dashboard = Dashboard.serve(server, List::of, List::of, new AlertHistory(10), new SimpleMeterRegistry(), Optional.empty(),
                     List.of(new DashboardAction("Replay <dead> letters", hook.url().resolve("/hooks/replay?key=s3cret")),
                             new DashboardAction("Broken", broken.url().resolve("/x"))), Optional.of(Secret.of(TOKEN)))) {
            HttpResponse<String> listed = send(server, "GET", "/api/actions", null, null);
            JsonNode actions = Json.MAPPER.readTree(listed.body());
            assertThat(actions.path("actions").get(0).path("label").asText()).isEqualTo("Replay <dead> letters");
            assertThat(actions.path("actions").get(1).path("id").asInt()).isEqualTo(1);
            assertThat(actions.path("tokenRequired").asBoolean()).isTrue();
            assertThat(actions.path("enabled").asBoolean()).isTrue();
            assertThat(listed.body()).as("the URLs stay in the exporter").doesNotContain("s3cret", "/hooks/");

            HttpResponse<String> pressed = send(server, "POST", "/api/actions/0", "application/json", TOKEN);
            assertThat(pressed.statusCode()).as(pressed.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(pressed.body()).path("status").asInt()).isEqualTo(202);
            assertThat(pressed.body()).doesNotContain("s3cret");
            LocalHttpServer.Request got = hook.awaitRequests(1).get(0);
            assertThat(got.method()).isEqualTo("POST");
            assertThat(got.path()).startsWith("/hooks/replay");
            assertThat(Json.MAPPER.readTree(got.body()).path("action").asText()).isEqualTo("Replay <dead> letters");

            assertThat(send(server, "POST", "/api/actions/0", "application/json", null).statusCode())
                    .as("no token (another site's page cannot send one)").isEqualTo(401);
            assertThat(send(server, "POST", "/api/actions/0", "application/json", "wrong").statusCode()).isEqualTo(401);
            assertThat(send(server, "POST", "/api/actions/2", "application/json", TOKEN).statusCode()).isEqualTo(404);
            assertThat(send(server, "POST", "/api/actions/-1", "application/json", TOKEN).statusCode()).isEqualTo(404);
            assertThat(send(server, "POST", "/api/actions/", "application/json", TOKEN).statusCode()).isEqualTo(404);
            assertThat(send(server, "POST", "/actions/0", "application/json", TOKEN).statusCode())
                    .as("the old path outside the API is gone").isNotEqualTo(200);
            assertThat(hook.requests()).as("presses that were refused reach nobody").hasSize(1);

            HttpResponse<String> failed = send(server, "POST", "/api/actions/1", "application/json", TOKEN);
            assertThat(failed.statusCode()).isEqualTo(502);
            assertThat(Json.MAPPER.readTree(failed.body()).path("error").asText()).contains("500").doesNotContain(broken.url().toString());

            if (LogCapture.loggingIsBound()) {
                assertThat(log.text()).as("the exporter's log names the presses").contains("dashboard action 'Broken'")
                        .as("but never an action URL's path or query (they may carry a key)").doesNotContain("s3cret", "/hooks/replay", "key=");
            }
        }
    }

    @Test
    void withNoTokenConfiguredPressesAreRefusedLikeEveryOtherChange() throws Exception {
        try (LocalHttpServer hook = LocalHttpServer.answering(200);
             ExporterHttpServer server = new ExporterHttpServer("127.0.0.1", 0, Optional.empty(), () -> "", () -> true);
             Dashboard dashboard = Dashboard.serve(server, List::of, List::of, new AlertHistory(10), new SimpleMeterRegistry(), Optional.empty(),
                     List.of(new DashboardAction("Go", hook.url())), Optional.empty())) {
            assertThat(Json.MAPPER.readTree(send(server, "GET", "/api/actions", null, null).body()).path("enabled").asBoolean()).isFalse();
            assertThat(send(server, "POST", "/api/actions/0", "application/json", null).statusCode()).isEqualTo(403);
            assertThat(send(server, "POST", "/api/actions/0", "application/json", "anything").statusCode()).isEqualTo(403);
            assertThat(send(server, "POST", "/actions/0", "application/json", null).statusCode()).isNotEqualTo(200);
            assertThat(hook.requests()).isEmpty();
        }
    }

    /**
     * Action URLs that never answer: every press, from more browsers at once than the HTTP server has threads,
     * is answered while the calls still hang (pending, or 503 once the action executor's queue is full), the
     * API keeps answering meanwhile, and each pending press is reported failed once its call times out.
     */
    @Test
    void aSilentActionUrlHoldsNoneOfTheHttpServersThreads() throws Exception {
        int presses = 16;
        try (SilentServer silent = new SilentServer();
             ExporterHttpServer server = new ExporterHttpServer("127.0.0.1", 0, Optional.of(Secret.of(TOKEN)), () -> "", () -> true);
             DashboardActions actions = new DashboardActions(List.of(new DashboardAction("Slow", silent.url())), true,
                     Duration.ofSeconds(15), Duration.ofMillis(200))) {
            server.resource("actions", actions);
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < presses; i++) {
                sent.add(HTTP.sendAsync(request(server, "POST", "/api/actions/0", "application/json", TOKEN),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<Long> pending = new ArrayList<>();
            int refused = 0;
            for (var f : sent) {
                HttpResponse<String> r = f.get();
                JsonNode body = Json.MAPPER.readTree(r.body());
                if (r.statusCode() == 503) {
                    refused++;
                    assertThat(body.path("error").asText()).contains("still waiting").doesNotContain(silent.url().toString());
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    assertThat(body.path("state").asText()).isEqualTo("pending");
                    pending.add(body.path("press").asLong());
                }
            }
            assertThat(silent.accepted()).as("calls in flight (all still unanswered): at most the action executor's threads")
                    .isBetween(1, DashboardActions.CALLERS);
            assertThat(refused).as("presses beyond the executor's threads and queue").isGreaterThan(0);
            assertThat(pending).isNotEmpty();
            assertThat(send(server, "GET", "/api/actions", null, null).statusCode()).as("the API meanwhile").isEqualTo(200);

            JsonNode first = Json.MAPPER.readTree(send(server, "GET", "/api/actions?press=" + pending.get(0), null, null).body());
            assertThat(first.path("action").asText()).isEqualTo("Slow");
            io.streamops.testkit.Await.until("the first press to be reported failed", Duration.ofSeconds(60), () -> {
                try {
                    return Json.MAPPER.readTree(send(server, "GET", "/api/actions?press=" + pending.get(0), null, null).body())
                            .path("state").asText().equals("failed");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            JsonNode failed = Json.MAPPER.readTree(send(server, "GET", "/api/actions?press=" + pending.get(0), null, null).body());
            assertThat(failed.path("error").asText()).contains("did not answer").doesNotContain(silent.url().toString());
            assertThat(send(server, "GET", "/api/actions?press=999999", null, null).statusCode()).isEqualTo(404);
            assertThat(send(server, "GET", "/api/actions?press=x", null, null).statusCode()).isEqualTo(404);
        }
    }

    /** A local HTTP server that takes connections and reads what comes, and never answers. */
    private static final class SilentServer implements AutoCloseable {
        private final java.net.ServerSocket socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final List<java.net.Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread acceptor = new Thread(this::accept, "silent-server");

        SilentServer() throws java.io.IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    accepted.add(socket.accept());
                } catch (java.io.IOException e) {
                    return; // closed
                }
            }
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hooks/slow");
        }

        int accepted() {
            return accepted.size();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            synchronized (accepted) {
                for (java.net.Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    private static HttpRequest request(ExporterHttpServer server, String method, String path, String type, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (type != null) {
            b.header("Content-Type", type);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        return b.build();
    }

    private static HttpResponse<String> send(ExporterHttpServer server, String method, String path, String type, String token)
            throws Exception {
        return HTTP.send(request(server, method, path, type, token), HttpResponse.BodyHandlers.ofString());
    }
}
