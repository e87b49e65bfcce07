package io.streamops.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.text.StringEscapeUtils;

import java.net.URI;
import java.util.List;

/**
 * The inbox page: every mail the SMTP server got and every event the PagerDuty receiver accepted, newest
 * first, the incidents played and a button per incident. Subjects and summaries carry query names and
 * exception text from Spark, so every value is HTML-escaped.
 */
final class InboxPage {
    private InboxPage() {
    }

    static String render(Receivers receivers, List<Incidents.Played> played, URI dashboard) {
        StringBuilder h = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"3\"><title>streamops demo: inbox</title>"
                + "<style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}"
                + "td,th{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left}form{display:inline}</style></head><body>");
        h.append("<h1>streamops demo</h1>");
        if (dashboard != null) {
            h.append("<p><a href=\"").append(esc(dashboard.toString())).append("\">the exporter's dashboard</a></p>");
        }
        h.append("<p>");
        for (Incident i : Incident.values()) {
            h.append("<form method=\"post\" action=\"/incidents/").append(esc(i.id)).append("\"><button title=\"")
                    .append(esc(i.story)).append("\">").append(esc(i.id)).append("</button></form> ");
        }
        h.append("</p><h2>Incidents played</h2><table><tr><th>at</th><th>incident</th></tr>");
        for (Incidents.Played p : newestFirst(played)) {
            h.append("<tr><td>").append(esc(p.at().toString())).append("</td><td>").append(esc(p.incident().id)).append("</td></tr>");
        }
        h.append("</table><h2>PagerDuty events</h2><table><tr><th>action</th><th>dedup key</th><th>severity</th><th>summary</th></tr>");
        List<JsonNode> pages = receivers.pages();
        for (JsonNode p : newestFirst(pages)) {
            h.append("<tr><td>").append(esc(p.path("event_action").asText())).append("</td><td>").append(esc(p.path("dedup_key").asText()))
                    .append("</td><td>").append(esc(p.path("payload").path("severity").asText())).append("</td><td>")
                    .append(esc(p.path("payload").path("summary").asText())).append("</td></tr>");
        }
        h.append("</table><h2>Mail</h2><table><tr><th>sent</th><th>to</th><th>subject</th></tr>");
        for (Receivers.Mail m : newestFirst(receivers.mails())) {
            h.append("<tr><td>").append(esc(m.received().toString())).append("</td><td>").append(esc(m.to())).append("</td><td>")
                    .append(esc(m.subject())).append("</td></tr>");
        }
        return h.append("</table></body></html>").toString();
    }

    private static <T> List<T> newestFirst(List<T> oldestFirst) {
        List<T> copy = new java.util.ArrayList<>(oldestFirst);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static String esc(String s) {
        return StringEscapeUtils.escapeHtml4(s);
    }
}
