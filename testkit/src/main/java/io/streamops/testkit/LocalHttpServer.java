package io.streamops.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * A real HTTP server on 127.0.0.1 (a free port) that records every request and answers through a
 * handler; it can be told to fail the next requests with given statuses (429, 500, ...).
 */
public final class LocalHttpServer implements AutoCloseable {

    public record Request(String method, String path, Map<String, String> headers, String body, long receivedNanos) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    public record Response(int status, String body, Map<String, String> headers) {
        public static Response of(int status, String body) {
            return new Response(status, body, Map.of());
        }
    }

    public interface Handler {
        public Response handle(Request request);
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final Handler handler;
    private final List<Request> requests = new ArrayList<>(); // guarded by this
    private final List<Integer> statuses = new ArrayList<>(); // guarded by this
    private final Deque<Response> faults = new ArrayDeque<>(); // guarded by this

    private LocalHttpServer(Handler handler) throws IOException {
        this.handler = handler;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::exchange);
        server.setExecutor(executor);
        server.start();
    }

    public static LocalHttpServer start(Handler handler) {
        try {
            return new LocalHttpServer(handler);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a local HTTP server", e);
        }
    }

    /** Answers every request with {@code status}. */
    public static LocalHttpServer answering(int status) {
        return start(request -> Response.of(status, "{}"));
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next requests are answered with these statuses, one each, before the handler sees any. */
    public synchronized void failNext(int... statuses) {
        for (int status : statuses) {
            faults.addLast(Response.of(status, "{\"status\":\"injected failure\"}"));
        }
    }

    public synchronized void failNext(Response fault) {
        faults.addLast(fault);
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The status of every answer so far, in order. */
    public synchronized List<Integer> statuses() {
        return List.copyOf(statuses);
    }

    public List<Request> awaitRequests(int count) {
        Await.until(count + " requests to " + url(), Duration.ofSeconds(20), () -> requests().size() >= count);
        return requests();
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    headers, body, System.nanoTime());
            Response response;
            synchronized (this) {
                Response fault = faults.pollFirst();
                response = fault != null ? fault : handler.handle(request);
                requests.add(request);
                statuses.add(response.status());
            }
            byte[] answer = response.body().getBytes(StandardCharsets.UTF_8);
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(response.status(), answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
