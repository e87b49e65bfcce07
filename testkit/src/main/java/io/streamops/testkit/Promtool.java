package io.streamops.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code promtool check metrics} (Debian package prometheus) on a scrape. */
public final class Promtool {
    private Promtool() {
    }

    /** promtool's complaints; empty when the exposition is clean. */
    public static String checkMetrics(String exposition) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("promtool did not finish");
        }
        return p.exitValue() == 0 ? "" : out.isEmpty() ? "promtool exited " + p.exitValue() : out;
    }
}
