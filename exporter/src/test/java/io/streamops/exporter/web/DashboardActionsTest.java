package io.streamops.exporter.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.http.ExporterHttpServer;
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
 * gets labels (never URLs); a JSON press makes the exporter POST the action to its URL and report the status;
 * a press another site's page could make (not JSON), a GET, an unknown index, a missing token are refused and
 * reach nobody; a failing URL is a 502.
 */
class DashboardActionsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aJsonPressPostsTheActionToItsUrlAndNothingElseDoes() throws Exception {
        try (LocalHttpServer hook = LocalHttpServer.answering(202);
             LocalHttpServer broken = LocalHttpServer.answering(500);
             ExporterHttpServer server = new ExporterHttpServer("127.0.0.1", 0, Optional.empty(), () -> "", () -> true);
             Dashboard dashboard = Dashboard.serve(server, List::of, List::of, new SimpleMeterRegistry(), Optional.empty(),
                     List.of(new DashboardAction("Replay <dead> letters", hook.url().resolve("/hooks/replay?key=s3cret")),
                             new DashboardAction("Broken", broken.url().resolve("/x"))), Optional.empty())) {
            HttpResponse<String> listed = send(server, "GET", "/api/actions", null, null);
            JsonNode actions = Json.MAPPER.readTree(listed.body());
            assertThat(actions.path("actions").get(0).path("label").asText()).isEqualTo("Replay <dead> letters");
            assertThat(actions.path("actions").get(1).path("id").asInt()).isEqualTo(1);
            assertThat(actions.path("tokenRequired").asBoolean()).isFalse();
            assertThat(listed.body()).as("the URLs stay in the exporter").doesNotContain("s3cret", "/hooks/");

            HttpResponse<String> pressed = send(server, "POST", "/actions/0", "application/json", null);
            assertThat(pressed.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(pressed.body()).path("status").asInt()).isEqualTo(202);
            assertThat(pressed.body()).doesNotContain("s3cret");
            LocalHttpServer.Request got = hook.awaitRequests(1).get(0);
            assertThat(got.method()).isEqualTo("POST");
            assertThat(got.path()).startsWith("/hooks/replay");
            assertThat(Json.MAPPER.readTree(got.body()).path("action").asText()).isEqualTo("Replay <dead> letters");

            assertThat(send(server, "POST", "/actions/0", "application/x-www-form-urlencoded", null).statusCode())
                    .as("a form post (another site's page could send one)").isEqualTo(415);
            assertThat(send(server, "POST", "/actions/0", "text/plain", null).statusCode()).isEqualTo(415);
            assertThat(send(server, "GET", "/actions/0", null, null).statusCode()).isEqualTo(405);
            assertThat(send(server, "POST", "/actions/2", "application/json", null).statusCode()).isEqualTo(404);
            assertThat(send(server, "POST", "/actions/-1", "application/json", null).statusCode()).isEqualTo(404);
            assertThat(send(server, "POST", "/actions/", "application/json", null).statusCode()).isEqualTo(404);
            assertThat(hook.requests()).as("presses that were refused reach nobody").hasSize(1);

            HttpResponse<String> failed = send(server, "POST", "/actions/1", "application/json", null);
            assertThat(failed.statusCode()).isEqualTo(502);
            assertThat(Json.MAPPER.readTree(failed.body()).path("status").asInt()).isEqualTo(500);
        }
    }

    @Test
    void withATokenConfiguredAPressNeedsIt() throws Exception {
        try (LocalHttpServer hook = LocalHttpServer.answering(200);
             ExporterHttpServer server = new ExporterHttpServer("127.0.0.1", 0, Optional.empty(), () -> "", () -> true);
             Dashboard dashboard = Dashboard.serve(server, List::of, List::of, new SimpleMeterRegistry(), Optional.empty(),
                     List.of(new DashboardAction("Go", hook.url())), Optional.of(Secret.of("t0ken")))) {
            assertThat(Json.MAPPER.readTree(send(server, "GET", "/api/actions", null, null).body()).path("tokenRequired").asBoolean()).isTrue();
            assertThat(send(server, "POST", "/actions/0", "application/json", null).statusCode()).isEqualTo(401);
            assertThat(send(server, "POST", "/actions/0", "application/json", "wrong").statusCode()).isEqualTo(401);
            assertThat(hook.requests()).isEmpty();
            assertThat(send(server, "POST", "/actions/0", "application/json", "t0ken").statusCode()).isEqualTo(200);
            assertThat(hook.awaitRequests(1)).hasSize(1);
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
