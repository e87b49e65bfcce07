package io.streamops.exporter.alert;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a FIRING transition announced, kept in the alert's state so that its RESOLVED transition goes to
 * the same receivers with the same labels, even after the rule was changed or removed by a reload.
 */
public record FiredAlert(
        String severity,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<String> receivers,
        Duration repeatInterval,
        boolean sendResolved) {

    public FiredAlert {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        receivers = List.copyOf(receivers);
    }
}
