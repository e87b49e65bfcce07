package io.streamops.exporter.web;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * A button on the dashboard (exporter.yaml {@code dashboard.actions}): pressing it makes the exporter POST
 * to {@code url} (a runbook automation, a CI job, a chat-ops hook). Only plain web URLs, so a configured
 * value cannot reach a file or another scheme; the page shows the label, never the URL (it may carry a key).
 *
 * @param label the button's text
 * @param url an absolute http(s) URL with a host
 */
public record DashboardAction(String label, URI url) {
    public static final int MAX_LABEL = 60;

    public DashboardAction {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(url, "url");
        if (label.isBlank() || label.length() > MAX_LABEL) {
            throw new IllegalArgumentException("the label must be 1 to " + MAX_LABEL + " characters");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("the url must be an absolute http:// or https:// URL with a host");
        }
    }
}
