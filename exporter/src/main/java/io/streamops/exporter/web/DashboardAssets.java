package io.streamops.exporter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * Serves the dashboard's page and its assets, all from the exporter's own jar: the page, its script and
 * style ({@code web/} resources) and uPlot from its WebJar. Nothing else is served (no path is mapped onto
 * the class path, so {@code ..} leads nowhere), and every response forbids what the page never needs: a
 * Content-Security-Policy allowing only this origin's own scripts and styles (no inline script, no
 * {@code eval}), no framing, no sniffing.
 */
final class DashboardAssets implements HttpHandler {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(byte[] bytes, String contentType) {
    }

    private final Map<String, Asset> assets;

    DashboardAssets() {
        String uplot = "META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/dist/";
        Asset page = load("web/index.html", "text/html; charset=utf-8");
        assets = Map.of(
                "/", page,
                "/index.html", page,
                "/assets/app.js", load("web/app.js", "text/javascript; charset=utf-8"),
                "/assets/app.css", load("web/app.css", "text/css; charset=utf-8"),
                "/assets/uplot/uPlot.iife.min.js", load(uplot + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
                "/assets/uplot/uPlot.min.css", load(uplot + "uPlot.min.css", "text/css; charset=utf-8"));
    }

    /** The WebJar's version, from its own Maven metadata: the pom names it once. */
    private static String webJarVersion(String artifact) {
        String resource = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the " + artifact + " WebJar is not on the class path (" + resource + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Asset load(String resource, String contentType) {
        try (InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset missing from the class path: " + resource);
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        Asset asset = assets.get(ex.getRequestURI().getPath());
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Content-Security-Policy", CSP);
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            text(ex, 405, method + " is not supported here\n");
            return;
        }
        if (asset == null) {
            text(ex, 404, "not found\n");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", asset.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        if (method.equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(200, asset.bytes().length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(asset.bytes());
        }
    }

    private static void text(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
