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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** Issue 7, finding 10: an unauthenticated client's malformed query string is its mistake, not ours. */
    @Test
    void aMalformedPercentEscapeInTheQueryStringIsA400WithoutAStackTrace() throws Exception {
        start("s3cret");
        for (String query : List.of("?state=%zz", "?state=%", "?a=1&b=%2")) {
            String r = rawGet("/api/silences" + query); // java.net.http refuses to send such a URI
            assertThat(r).as(query).startsWith("HTTP/1.1 400 ").doesNotContain("\tat ");
        }
        assertThat(send("GET", "/api/silences?state=active%20now", null).statusCode()).isEqualTo(200);
        // The JDK's server refuses a request line that is not a URI before we see it; our own decoding
        // answers 400 too, whatever reaches it.
        for (String raw : List.of("state=%zz", "state=%", "a=1&b=%2", "%=1")) {
            assertThatThrownBy(() -> ExporterHttpServer.query(raw)).as(raw).isInstanceOfSatisfying(
                    ExporterHttpServer.ApiException.class, e -> {
                        assertThat(e.status).isEqualTo(400);
                        assertThat(e.getMessage()).startsWith("malformed query string");
                    });
        }
        assertThat(ExporterHttpServer.query("state=active%20now&x")).containsExactly(Map.entry("state", "active now"));
    }

    /** One GET written by hand, request line as given; the whole response as text. */
    private String rawGet(String pathAndQuery) throws Exception {
        return rawRequest("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

    /** A request written by hand, exactly as given; the whole response as text. */
    private String rawRequest(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // Nothing more comes: the JDK server drains an unread body after answering, and would wait for it.
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Issue 7, finding 10: a request body is read up to a limit, never whole whatever its size. */
    @Test
    void aRequestBodyOverTheLimitIsRefusedUnread() throws Exception {
        start("s3cret");
        // A stated length over the limit is answered before any of the body is sent: the headers alone get the 413.
        // (Sending the whole body with it raced the server's close in a CI run: the JDK server drains at most
        // 64 KiB of an unread body, resets the connection past that, and the reset can discard the answer.)
        String refused = rawRequest("POST /api/silences HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer s3cret\r\n"
                + "Content-Length: " + (ExporterHttpServer.MAX_BODY_BYTES + 1) + "\r\nConnection: close\r\n\r\n");
        assertThat(refused).as("with a length").startsWith("HTTP/1.1 413").contains(String.valueOf(ExporterHttpServer.MAX_BODY_BYTES));
        String big = "x".repeat(ExporterHttpServer.MAX_BODY_BYTES + 1);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/silences"))
                .header("Authorization", "Bearer s3cret")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("chunked").isEqualTo(413);
        assertThat(r.body()).contains(String.valueOf(ExporterHttpServer.MAX_BODY_BYTES));
        assertThat(posted).isEmpty();
        String fits = "y".repeat(ExporterHttpServer.MAX_BODY_BYTES);
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/silences"))
                .header("Authorization", "Bearer s3cret").POST(HttpRequest.BodyPublishers.ofString(fits)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(posted).containsExactly(fits);
    }
}
