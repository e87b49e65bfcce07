package io.streamops.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The demo's own small server on 127.0.0.1: the inbox page ({@code GET /}: what the SMTP server and the
 * PagerDuty receiver got, and the incidents played), the same as JSON ({@code GET /api/inbox}), and the
 * control endpoint {@code POST /incidents/<name>} that the dashboard's action buttons (exporter.yaml
 * {@code dashboard.actions}) and the page's own buttons call.
 */
final class ControlServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Receivers receivers;
    private volatile Incidents incidents;
    private volatile URI dashboard;

    ControlServer(Receivers receivers) throws IOException {
        this.receivers = receivers;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "demo-control");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** From now on the incidents can be triggered; until then POST answers 503. */
    void ready(Incidents incidents, URI dashboard) {
        this.dashboard = dashboard;
        this.incidents = incidents;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    URI incidentUrl(Incident incident) {
        return url().resolve("incidents/" + incident.id);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.startsWith("/incidents/")) {
                incident(ex, method, path.substring("/incidents/".length()));
            } else if (!method.equals("GET")) {
                respond(ex, 405, "text/plain", method + " is not supported here\n");
            } else if (path.equals("/")) {
                respond(ex, 200, "text/html; charset=utf-8", InboxPage.render(receivers, incidents == null ? java.util.List.of() : incidents.played(), dashboard));
            } else if (path.equals("/api/inbox")) {
                respond(ex, 200, "application/json", inbox());
            } else {
                respond(ex, 404, "text/plain", "not found\n");
            }
        }
    }

    private void incident(HttpExchange ex, String method, String name) throws IOException {
        if (!method.equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            respond(ex, 405, "text/plain", "POST to trigger an incident\n");
            return;
        }
        ex.getRequestBody().readAllBytes();
        Optional<Incident> incident = Incident.named(name);
        Incidents current = incidents;
        if (incident.isEmpty()) {
            respond(ex, 404, "text/plain", "no such incident (known: " + Incident.names() + ")\n");
        } else if (current == null) {
            respond(ex, 503, "text/plain", "the demo is still starting\n");
        } else {
            current.trigger(incident.get());
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type != null && type.startsWith("application/x-www-form-urlencoded")) {
                ex.getResponseHeaders().set("Location", "/"); // the page's own buttons: back to the page
                respond(ex, 303, "text/plain", "triggered " + incident.get().id + "\n");
            } else {
                respond(ex, 202, "text/plain", "triggered " + incident.get().id + "\n");
            }
        }
    }

    private String inbox() throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode mails = body.putArray("mails");
        for (Receivers.Mail m : receivers.mails()) {
            mails.addObject().put("received", m.received().toString()).put("subject", m.subject()).put("to", m.to());
        }
        ArrayNode pages = body.putArray("pagerduty");
        receivers.pages().forEach(pages::add);
        ArrayNode played = body.putArray("incidents");
        if (incidents != null) {
            for (Incidents.Played p : incidents.played()) {
                played.addObject().put("incident", p.incident().id).put("at", p.at().toString());
            }
        }
        return JSON.writeValueAsString(body);
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
