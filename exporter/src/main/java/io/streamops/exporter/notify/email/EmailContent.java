package io.streamops.exporter.notify.email;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.DashboardLinks;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.NotificationText;

import java.util.List;
import java.util.Map;

/**
 * The subject and the two bodies (plain text and HTML) of a notification email.
 *
 * <p>Query names, exception texts, annotations and labels come from the Spark application: the HTML
 * body escapes every one of them, and the subject is a single line (no CR/LF, so no header injection).
 */
record EmailContent(String subject, String text, String html) {

    /** Long subjects get cut; mail clients show far less anyway. */
    static final int MAX_SUBJECT_LENGTH = 200;

    static EmailContent of(Notification notification) {
        String title = NotificationText.title(notification);
        return new EmailContent(
                NotificationText.truncate(title, MAX_SUBJECT_LENGTH),
                text(notification, title),
                html(notification, title));
    }

    private static String text(Notification notification, String title) {
        StringBuilder out = new StringBuilder(title).append("\n\n");
        if (!notification.dashboardUrl().isEmpty()) {
            out.append("Dashboard: ").append(notification.dashboardUrl()).append("\n\n");
        }
        section(out, "Firing", notification.firing());
        section(out, "Resolved", notification.resolved());
        out.append("-- \nstreamops, receiver ").append(notification.receiver()).append('\n');
        return out.toString();
    }

    private static void section(StringBuilder out, String heading, List<AlertTransition> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        out.append(heading).append(" (").append(alerts.size()).append(")\n\n");
        for (AlertTransition alert : alerts) {
            out.append("* ").append(headline(alert)).append('\n');
            NotificationText.annotations(alert).forEach((name, value) -> line(out, name, value));
            line(out, "started", alert.startsAt() == null ? "" : alert.startsAt().toString());
            if (alert.phase() == AlertPhase.RESOLVED && alert.endsAt() != null) {
                line(out, "ended", alert.endsAt().toString());
            }
            line(out, "labels", NotificationText.labels(alert.labels()));
            Map<String, String> signals = NotificationText.knownSignals(alert);
            if (!signals.isEmpty()) {
                out.append("  signals:\n");
                signals.forEach((name, value) -> out.append("    ").append(name).append(": ").append(value).append('\n'));
            }
            out.append('\n');
        }
    }

    private static void line(StringBuilder out, String name, String value) {
        if (!value.isEmpty()) {
            // Continuation lines (a multi-line description) stay indented under their name.
            out.append("  ").append(name).append(": ").append(value.strip().replace("\n", "\n    ")).append('\n');
        }
    }

    /** {@code QueryFailed [critical] grocery-alerts}. */
    private static String headline(AlertTransition alert) {
        String query = NotificationText.query(alert);
        return NotificationText.alertName(alert) + " [" + alert.severity() + "]" + (query.isEmpty() ? "" : " " + query);
    }

    private static String html(Notification notification, String title) {
        StringBuilder out = new StringBuilder(4096);
        out.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(Html.escape(title))
                .append("</title></head>\n<body style=\"font-family:sans-serif\">\n<h2>").append(Html.escape(title))
                .append("</h2>\n");
        // Only web links: a javascript: URL must never become a clickable href.
        if (DashboardLinks.isWebUrl(notification.dashboardUrl())) {
            out.append("<p><a href=\"").append(Html.escape(notification.dashboardUrl()))
                    .append("\">Open the query dashboard</a></p>\n");
        }
        htmlSection(out, "Firing", notification.firing());
        htmlSection(out, "Resolved", notification.resolved());
        out.append("<p style=\"color:#888\">streamops, receiver ").append(Html.escape(notification.receiver()))
                .append("</p>\n</body></html>\n");
        return out.toString();
    }

    private static void htmlSection(StringBuilder out, String heading, List<AlertTransition> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        out.append("<h3>").append(heading).append(" (").append(alerts.size()).append(")</h3>\n");
        for (AlertTransition alert : alerts) {
            out.append("<h4>").append(Html.escape(headline(alert))).append("</h4>\n<table cellpadding=\"3\">\n");
            NotificationText.annotations(alert).forEach((name, value) -> row(out, name, value));
            row(out, "started", alert.startsAt() == null ? "" : alert.startsAt().toString());
            if (alert.phase() == AlertPhase.RESOLVED && alert.endsAt() != null) {
                row(out, "ended", alert.endsAt().toString());
            }
            row(out, "labels", NotificationText.labels(alert.labels()));
            NotificationText.knownSignals(alert).forEach((name, value) -> row(out, name, value));
            out.append("</table>\n");
        }
    }

    private static void row(StringBuilder out, String name, String value) {
        if (value.isEmpty()) {
            return;
        }
        out.append("<tr><th align=\"left\" valign=\"top\">").append(Html.escape(name))
                .append("</th><td style=\"white-space:pre-wrap\">").append(Html.escape(value)).append("</td></tr>\n");
    }
}
