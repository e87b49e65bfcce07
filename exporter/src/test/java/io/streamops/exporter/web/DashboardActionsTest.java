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
             Dashboard dashboard = Dashboard.serve(server, List::of, List::of, new SimpleMeterRegistry(), Optional.empty(),
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
             Dashboard dashboard = Dashboard.serve(server, List::of, List::of, new SimpleMeterRegistry(), Optional.empty(),
                     List.of(new DashboardAction("Go", hook.url())), Optional.empty())) {
            assertThat(Json.MAPPER.readTree(send(server, "GET", "/api/actions", null, null).body()).path("enabled").asBoolean()).isFalse();
            assertThat(send(server, "POST", "/api/actions/0", "application/json", null).statusCode()).isEqualTo(403);
            assertThat(send(server, "POST", "/api/actions/0", "application/json", "anything").statusCode()).isEqualTo(403);
            assertThat(send(server, "POST", "/actions/0", "application/json", null).statusCode()).isNotEqualTo(200);
            assertThat(hook.requests()).isEmpty();
        }
    }

    private static HttpResponse<String> send(ExporterHttpServer server, String method, String path, String type, String token)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (type != null) {
            b.header("Content-Type", type);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
