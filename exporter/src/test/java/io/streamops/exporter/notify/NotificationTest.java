package io.streamops.exporter.notify;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.email.Html;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationTest {

    @Test
    void firesWhileAnyAlertFires() {
        Notification mixed = Notification.of("ops", "g", List.of(
                Alerts.alert("QueryFailed", "q-1").build(),
                Alerts.alert("QueryFailed", "q-2").resolved().build()), Alerts.DASHBOARD);
        Notification resolved = Notification.of("ops", "g", List.of(
                Alerts.alert("QueryFailed", "q-1").resolved().build()), Alerts.DASHBOARD);

        assertThat(mixed.status()).isEqualTo(NotificationStatus.FIRING);
        assertThat(mixed.firing()).hasSize(1);
        assertThat(mixed.resolved()).hasSize(1);
        assertThat(resolved.status()).isEqualTo(NotificationStatus.RESOLVED);
        assertThat(NotificationText.title(resolved)).isEqualTo("[RESOLVED] QueryFailed grocery-alerts");
    }

    @Test
    void keepsTheLabelsAllAlertsShareAndLinksTheirQuery() {
        Notification sameQuery = Notification.of("ops", "g", List.of(
                Alerts.alert("QueryFailed", "q-1").label("team", "a").build(),
                Alerts.alert("Lagging", "q-1").label("team", "b").build()), Alerts.DASHBOARD);
        Notification twoQueries = Notification.of("ops", "g", List.of(
                Alerts.alert("QueryFailed", "q-1").build(),
                Alerts.alert("QueryFailed", "q-2").query("fraud").build()), Alerts.DASHBOARD);

        assertThat(sameQuery.commonLabels()).containsOnlyKeys("severity", "job", "query", "query_id");
        assertThat(sameQuery.dashboardUrl()).isEqualTo("https://grafana.shop.test/d/streamops-query?var-query_id=q-1");
        assertThat(twoQueries.commonLabels()).containsOnlyKeys("alertname", "severity", "job");
        assertThat(twoQueries.dashboardUrl()).isEmpty();
        assertThat(NotificationText.title(twoQueries)).isEqualTo("[FIRING:2] QueryFailed");
        assertThat(NotificationText.title(sameQuery)).isEqualTo("[FIRING:2] grocery-alerts");
    }

    @Test
    void refusesWhatCannotBeNotified() {
        AlertTransition pending = new AlertTransition("r/q", "r", AlertPhase.PENDING, "warning", Map.of(), Map.of(),
                Map.of(), List.of(), null, true, Alerts.STARTED, null, Alerts.STARTED);
        assertThatThrownBy(() -> Notification.of("ops", "g", List.of(pending), DashboardLinks.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Notification.of("ops", "g", List.of(), DashboardLinks.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Notification("ops", "g", NotificationStatus.RESOLVED,
                List.of(Alerts.alert("R", "q").build()), Map.of(), ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dashboardLinksAreWebLinksWithTheQueryIdEncoded() {
        assertThat(Alerts.DASHBOARD.forQuery("a b&c")).endsWith("var-query_id=a+b%26c");
        assertThat(DashboardLinks.NONE.forQuery("q-1")).isEmpty();
        assertThatThrownBy(() -> new DashboardLinks("javascript:alert(1)//")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textHelpersKeepThingsOnOneLineAndShort() {
        assertThat(NotificationText.oneLine("a\r\nb\tc\u2028d\u0085e")).isEqualTo("a  b c d e");
        assertThat(NotificationText.truncate("abcdef", 4)).isEqualTo("abc\u2026");
        assertThat(NotificationText.truncate("abcd", 4)).isEqualTo("abcd");
        // Never half a surrogate pair: the emoji goes whole.
        assertThat(NotificationText.truncate("ab\uD83D\uDE00cd", 4)).isEqualTo("ab\u2026");
        assertThat(NotificationText.signalText(1.2e7)).isEqualTo("12000000");
        assertThat(NotificationText.signalText(Double.NaN)).isEmpty();
        assertThat(Html.escape("<a href=\"x\">'&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
