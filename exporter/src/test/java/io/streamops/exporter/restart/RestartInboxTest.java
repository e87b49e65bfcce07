package io.streamops.exporter.restart;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RestartInboxTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final RestartSubject SHOP = RestartSubject.ofJob("shop");

    @Test
    void aFloodOfProgressAndCommandsLosesNoCommandAlertOrExit() {
        RestartInbox inbox = new RestartInbox();
        inbox.offerUntilOwned(SHOP, new Observation.ManualRestart(SHOP, "command:first", NOW), NOW.plusSeconds(600));
        inbox.offer(SHOP, new Observation.AlertFired(SHOP, "QueryFailed", "failed", "run-1", NOW));
        inbox.offer(SHOP, new Observation.LauncherExited(1, 1, NOW));
        for (int i = 0; i < 15_000; i++) {
            inbox.offer(SHOP, new Observation.ProgressMade("qid", "run-" + i, NOW));
        }
        for (int i = 0; i < 20_000; i++) {
            RestartSubject job = RestartSubject.ofJob("job-" + i);
            inbox.offerUntilOwned(job, new Observation.ManualRestart(job, "command:" + i, NOW), NOW.plusSeconds(600));
        }

        List<RestartInbox.Item> taken = inbox.take(job -> true, NOW);

        List<Observation> oneOffs = taken.stream().map(RestartInbox.Item::observation)
                .filter(o -> !(o instanceof Observation.ProgressMade)).toList();
        assertThat(oneOffs).hasSize(20_003);
        assertThat(oneOffs.get(0)).isEqualTo(new Observation.ManualRestart(SHOP, "command:first", NOW));
        assertThat(oneOffs.get(1)).isInstanceOf(Observation.AlertFired.class);
        assertThat(oneOffs.get(2)).isInstanceOf(Observation.LauncherExited.class);
        assertThat(oneOffs.get(20_002)).isEqualTo(new Observation.ManualRestart(RestartSubject.ofJob("job-19999"),
                "command:19999", NOW));
    }

    @Test
    void onlyTheOldestProgressGoesWhenTooMuchWaitsAndItIsCounted() {
        RestartInbox inbox = new RestartInbox();
        int over = 7;
        for (int i = 0; i < RestartInbox.PROGRESS_CAPACITY + over; i++) {
            inbox.offer(SHOP, new Observation.ProgressMade("qid", "run-" + i, NOW));
        }
        List<RestartInbox.Item> taken = inbox.take(job -> true, NOW);
        assertThat(taken).hasSize(RestartInbox.PROGRESS_CAPACITY);
        assertThat(((Observation.ProgressMade) taken.get(0).observation()).runId()).isEqualTo("run-" + over);
        assertThat(inbox.progressDropped()).isEqualTo(over);
        assertThat(inbox.dropped()).isZero();
    }

    @Test
    void aCommandForAJobOwnedElsewhereWaitsInItsPlaceWhileOtherNewsIsDropped() {
        RestartInbox inbox = new RestartInbox();
        inbox.offerUntilOwned(SHOP, new Observation.ManualRestart(SHOP, "command:a", NOW), NOW.plusSeconds(600));
        inbox.offer(SHOP, new Observation.LauncherExited(1, 1, NOW));
        assertThat(inbox.take(job -> false, NOW)).isEmpty();
        assertThat(inbox.dropped()).isEqualTo(1);

        inbox.offer(SHOP, new Observation.QueryStopped(NOW));
        List<Observation> taken = inbox.take(job -> true, NOW.plusSeconds(1)).stream().map(RestartInbox.Item::observation).toList();
        assertThat(taken).containsExactly(new Observation.ManualRestart(SHOP, "command:a", NOW), new Observation.QueryStopped(NOW));

        inbox.offerUntilOwned(SHOP, new Observation.ManualRestart(SHOP, "command:b", NOW), NOW.plusSeconds(600));
        assertThat(inbox.take(job -> false, NOW.plusSeconds(600))).as("expired").isEmpty();
        assertThat(inbox.take(job -> true, NOW.plusSeconds(601))).isEmpty();
        assertThat(inbox.dropped()).isEqualTo(2);
    }
}
