package io.streamops.exporter.notify;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the dashboard link a notification carries: a configured prefix followed by the query id,
 * for example {@code https://grafana.example.com/d/streamops-query?var-query_id=} + id.
 *
 * @param queryUrlPrefix an absolute http(s) URL prefix, or "" for no links
 */
public record DashboardLinks(String queryUrlPrefix) {

    /** No dashboard configured: notifications carry no link. */
    public static final DashboardLinks NONE = new DashboardLinks("");

    public DashboardLinks {
        Objects.requireNonNull(queryUrlPrefix, "queryUrlPrefix");
        // The link ends up in HTML hrefs and PagerDuty links, so only plain web URLs are accepted.
        if (!queryUrlPrefix.isEmpty() && !isWebUrl(queryUrlPrefix)) {
            throw new IllegalArgumentException("dashboard URL prefix must start with http:// or https://");
        }
    }

    /** The query's dashboard, or "" when none is configured. The id is URL-encoded (it comes from Spark). */
    public String forQuery(String queryId) {
        if (queryUrlPrefix.isEmpty() || queryId == null || queryId.isEmpty()) {
            return "";
        }
        return queryUrlPrefix + URLEncoder.encode(queryId, StandardCharsets.UTF_8);
    }

    /** The dashboard of the query all alerts of a group share ({@code query_id} label), or "". */
    public String forGroup(Map<String, String> commonLabels) {
        return forQuery(commonLabels.get("query_id"));
    }

    public static boolean isWebUrl(String url) {
        String lower = url.toLowerCase();
        return lower.startsWith("http://") || lower.startsWith("https://");
    }
}
