package io.streamops.listener.it;

import io.streamops.listener.agent.StreamOpsAgent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scrapes the listener's real Prometheus endpoint over HTTP and reads samples from the text. */
final class Scrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Scrape() {
    }

    static String metrics() throws Exception {
        int port = StreamOpsAgent.current().prometheusPort();
        if (port <= 0) {
            throw new IllegalStateException("the listener has no Prometheus endpoint");
        }
        return metrics(port);
    }

    /** The endpoint of a listener in another JVM, on 127.0.0.1. */
    static String metrics(int port) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("scrape returned " + response.statusCode());
        }
        return response.body();
    }

    /** Sample lines of {@code name} whose labels contain every given {@code label="value"} fragment. */
    static List<String> lines(String exposition, String name, String... labelFragments) {
        List<String> out = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String f : labelFragments) {
                all &= line.contains(f);
            }
            if (all) {
                out.add(line);
            }
        }
        return out;
    }

    /** The value of the first matching sample, if any. */
    static OptionalDouble value(String exposition, String name, String... labelFragments) {
        for (String line : lines(exposition, name, labelFragments)) {
            Matcher m = Pattern.compile("\\}?\\s+(\\S+)$").matcher(line);
            if (m.find()) {
                return OptionalDouble.of(Double.parseDouble(m.group(1)));
            }
        }
        return OptionalDouble.empty();
    }
}
