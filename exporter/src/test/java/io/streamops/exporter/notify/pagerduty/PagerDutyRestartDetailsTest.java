package io.streamops.exporter.notify.pagerduty;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.Alerts;
import io.streamops.exporter.support.Secret;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** PagerDuty shows custom_details, not annotations: what the restart controller does must be there. */
class PagerDutyRestartDetailsTest {
    private static final Secret ROUTING_KEY = Secret.of("R0UT1NGK3Yc0ffee0123456789abcdef");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(AlertTransition alert) {
        Map<String, Object> payload = (Map<String, Object>) PagerDutyEvents.event(alert, Alerts.notification("pager", alert), ROUTING_KEY)
                .get("payload");
        return (Map<String, Object>) payload.get("custom_details");
    }

    @Test
    void theRestartStatusIsInTheIncidentsDetails() {
        AlertTransition restarting = Alerts.alert("QueryFailed", "q-1")
                .annotation("restart", "restarting, attempt 2 of 5, next in 40 s").build();

        Map<String, Object> details = details(restarting);
        assertThat(details).containsEntry("restart", "restarting, attempt 2 of 5, next in 40 s");
        assertThat(details).containsKey("records_behind");
    }

    @Test
    void anAlertWithoutARestartHasNoRestartDetail() {
        assertThat(details(Alerts.alert("QueryFailed", "q-1").build())).doesNotContainKey("restart").containsKey("records_behind");
    }
}
