package io.streamops.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A connection refused (a server not up yet), as a response with status 0, for polling loops. */
record RefusedResponse(URI uri) implements HttpResponse<String> {
    public int statusCode() { return 0; }
    public HttpRequest request() { return null; }
    public Optional<HttpResponse<String>> previousResponse() { return Optional.empty(); }
    public HttpHeaders headers() { return HttpHeaders.of(Map.of(), (a, b) -> true); }
    public String body() { return ""; }
    public Optional<SSLSession> sslSession() { return Optional.empty(); }
    public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
}
