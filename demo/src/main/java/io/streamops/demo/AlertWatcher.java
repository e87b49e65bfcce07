package io.streamops.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Follows the exporter's alert history ({@code GET /api/alert-history}) and what the receivers got, prints
 * each alert that starts or stops firing and each mail and page as they come, and answers the timeline's
 * "has it fired / resolved yet".
 */
final class AlertWatcher {
    /** One alert transition as the exporter reported it. */
    record Transition(Instant at, String phase, String fingerprint, String alertname, String query, String summary) {
    }

    private final ExporterApi exporter;
    private final Receivers receivers;
    private final Console console;
    private final Set<String> seen = new HashSet<>();
    private final List<Transition> transitions = new ArrayList<>();
    /** PagerDuty's events as transitions (fingerprint: the dedup key): an alert that fires and resolves within one
     * of the exporter's 2 s history samples is missing from its history, never from the pages. */
    private final List<Transition> paged = new ArrayList<>();
    private int mailsSeen;
    private int pagesSeen;

    AlertWatcher(ExporterApi exporter, Receivers receivers, Console console) {
        this.exporter = exporter;
        this.receivers = receivers;
        this.console = console;
    }

    /** Reads what is new and prints it; called every second. */
    synchronized void poll() {
        exporter.get("api/alert-history?limit=500").ifPresent(this::history);
        List<Receivers.Mail> mails = receivers.mails();
        for (Receivers.Mail m : mails.subList(Math.min(mailsSeen, mails.size()), mails.size())) {
            console.line("MAIL to " + m.to() + ": " + m.subject());
        }
        mailsSeen = mails.size();
        List<JsonNode> pages = receivers.pages();
        Instant now = Instant.now();
        for (JsonNode p : pages.subList(Math.min(pagesSeen, pages.size()), pages.size())) {
            paged.add(new Transition(now, p.path("event_action").asText().equals("resolve") ? "resolved" : "firing",
                    p.path("dedup_key").asText(), p.path("dedup_key").asText().split("/")[0], "", p.path("payload").path("summary").asText()));
            console.line("PAGERDUTY " + p.path("event_action").asText() + " " + p.path("dedup_key").asText()
                    + (p.path("payload").path("summary").isMissingNode() ? "" : ": " + p.path("payload").path("summary").asText()));
        }
        pagesSeen = pages.size();
    }

    private void history(JsonNode body) {
        List<Transition> fresh = new ArrayList<>();
        for (JsonNode e : body.path("history")) {
            String key = e.path("phase").asText() + "|" + e.path("fingerprint").asText() + "|" + e.path("at").asText();
            if (seen.add(key)) {
                fresh.add(new Transition(Instant.parse(e.path("at").asText()), e.path("phase").asText(), e.path("fingerprint").asText(),
                        e.path("alertname").asText(), e.path("query").asText(), e.path("summary").asText()));
            }
        }
        fresh.sort(java.util.Comparator.comparing(Transition::at));
        for (Transition t : fresh) {
            transitions.add(t);
            console.line("ALERT " + t.phase() + " " + t.alertname() + " (" + t.query() + ")"
                    + (t.phase().equals("firing") ? ": " + t.summary() : ""));
        }
    }

    /**
     * The first {@code alertname} on {@code query} that started firing at or after {@code since}, from the
     * exporter's history, or else the first PagerDuty trigger of {@code alertname} for the job since then.
     */
    synchronized Optional<Transition> fired(String alertname, String query, Instant since) {
        return transitions.stream().filter(t -> t.phase().equals("firing") && t.alertname().equals(alertname)
                && t.query().equals(query) && !t.at().isBefore(since)).findFirst()
                .or(() -> paged.stream().filter(t -> t.phase().equals("firing") && t.alertname().equals(alertname)
                        && !t.at().isBefore(since)).findFirst());
    }

    /** Whether the alert that fired as {@code firing} has resolved since (in the history, or paged as resolved). */
    synchronized boolean resolved(Transition firing) {
        return Stream.concat(transitions.stream(), paged.stream()).anyMatch(t -> t.phase().equals("resolved")
                && t.fingerprint().equals(firing.fingerprint()) && !t.at().isBefore(firing.at()));
    }
}
