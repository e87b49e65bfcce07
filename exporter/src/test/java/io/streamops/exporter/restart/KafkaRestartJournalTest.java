package io.streamops.exporter.restart;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a real KRaft broker: what one instance journals, the instance that takes over reads. */
class KafkaRestartJournalTest extends WithJournalBroker {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void theTopicIsCompacted() throws Exception {
        try (Admin admin = Admin.create(kafka())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            String policy = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            assertThat(policy).isEqualTo("compact");
        }
    }

    @Test
    void anAttemptOnRecordIsNeitherRepeatedNorForgottenByTheInstanceThatTakesOver() throws Exception {
        RestartSubject subject = new RestartSubject("takeover-job", "enrich", "q-1", "app-1", Map.of("env", "prod"));
        RestartDecider decider = new RestartDecider(RestartPolicy.DEFAULT, () -> 0.0);
        RestartRecord restarting;
        try (KafkaRestartJournal owner = KafkaRestartJournal.open(TOPIC, kafka());
             KafkaRestartJournal other = KafkaRestartJournal.open(TOPIC, kafka())) {
            RestartRecord waiting = decider.decide(RestartRecord.idle(subject, T0),
                    new Observation.AlertFired(subject, "QueryFailed", "failed", "run-1", T0)).record();
            owner.write(waiting);
            Decision now = decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1)));
            restarting = now.record();
            owner.write(restarting); // on record before the attempt is made ...
            // ... and the owner is killed here, before it could say how the attempt went.

            other.catchUp();
            assertThat(other.read("takeover-job")).contains(restarting);
        }

        try (KafkaRestartJournal next = KafkaRestartJournal.open(TOPIC, kafka())) {
            RestartRecord found = next.read("takeover-job").orElseThrow();
            assertThat(found).isEqualTo(restarting);
            assertThat(found.subject().tags()).containsEntry("env", "prod");
            // Not repeated: the attempt is under way, the new owner waits for its progress or deadline ...
            assertThat(decider.decide(found, new Observation.Tick(T0.plusSeconds(30)))).isInstanceOf(Decision.Wait.class);
            assertThat(decider.decide(found, new Observation.AlertFired(subject, "DriverLost", "driver_lost", "run-1",
                    T0.plusSeconds(60)))).isInstanceOf(Decision.Wait.class);
            // ... and not forgotten: it counts, so the next one is attempt 2 after a 2 s back-off.
            Decision late = decider.decide(found, new Observation.Tick(found.due()));
            assertThat(((Decision.RestartAt) late).at()).isEqualTo(found.due().plusSeconds(2));
            assertThat(late.record().sequence()).isEqualTo(1);
            next.write(late.record());
            assertThat(next.all()).extracting(RestartRecord::job).contains("takeover-job");
        }
    }

    @Test
    void aMissingTopicIsAClearError() {
        assertThatThrownBy(() -> KafkaRestartJournal.open("no-such-restart-topic", kafka()))
                .isInstanceOf(RestartJournal.JournalException.class).hasMessageContaining("no-such-restart-topic");
    }
}
