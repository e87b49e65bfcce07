package io.streamops.exporter.http;

import org.junit.jupiter.api.AfterEach;
import io.streamops.exporter.support.Secret;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The real HTTP server on 127.0.0.1: reading is open, changing needs the bearer token. */
class ExporterHttpServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> posted = new ArrayList<>();
    private ExporterHttpServer server;

    private ExporterHttpServer start(String token) throws Exception {
        server = new ExporterHttpServer("127.0.0.1", 0, token.isEmpty() ? Optional.empty() : Optional.of(Secret.of(token)), () -> "# HELP up\nup 1\n", () -> false);
        server.resource("silences", new ExporterHttpServer.Resource() {
            @Override
            public Object get(Map<String, String> query) {
                return posted;
            }

            @Override
            public Object post(String body) {
                posted.add(body);
                return Map.of("ok", true);
            }
        });
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readsAreOpenAndChangesNeedTheToken() throws Exception {
        start("s3cret");
        assertThat(send("GET", "/metrics", null).body()).contains("up 1");
        assertThat(send("GET", "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/readyz", null).statusCode()).isEqualTo(503);
        assertThat(send("GET", "/api/silences", null).statusCode()).isEqualTo(200);

        assertThat(send("POST", "/api/silences", null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = send("POST", "/api/silences", "guess");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("s3cret");
        assertThat(posted).isEmpty();

        assertThat(send("POST", "/api/silences", "s3cret").statusCode()).isEqualTo(200);
        assertThat(posted).hasSize(1);
        assertThat(send("GET", "/api/nothing", null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/api/silences/x", "s3cret").statusCode()).isEqualTo(405);
    }

    @Test
    void withoutAConfiguredTokenChangesAreRefused() throws Exception {
        start("");
        HttpResponse<String> r = send("POST", "/api/silences", "");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("no http.token");
        assertThat(posted).isEmpty();
    }
}
