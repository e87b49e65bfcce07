package io.streamops.exporter.restart;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code restarts:} section of exporter.yaml, validated.
 *
 * @param journalTopic the compacted topic of {@link KafkaRestartJournal}
 * @param targets      in file order: a job is restarted by the first target that covers it
 */
public record RestartsConfig(String journalTopic, List<RestartTarget> targets) {

    public static final String DEFAULT_JOURNAL_TOPIC = "streamops-restarts";
    public static final RestartsConfig NONE = new RestartsConfig(DEFAULT_JOURNAL_TOPIC, List.of());

    public RestartsConfig {
        targets = List.copyOf(targets);
    }

    public Optional<RestartTarget> targetFor(String job, Map<String, String> tags) {
        return targets.stream().filter(target -> target.covers(job, tags)).findFirst();
    }
}
