package io.streamops.exporter.restart;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.rules.Glob;
import io.streamops.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller end to end below the router: a real journal on a KRaft broker, the command restarter
 * running real processes, the real clock.
 */
class RestartControllerTest extends WithJournalBroker {
    private static final RestartPolicy QUICK = new RestartPolicy(3, Duration.ofHours(1), Duration.ofMillis(20),
            Duration.ofMillis(100), 2.0, 0.1, Duration.ofHours(1), Duration.ofMinutes(5));

    @TempDir
    Path dir;

    private RestartsConfig config(List<String> command) {
        return new RestartsConfig(TOPIC, List.of(new RestartTarget("all", List.of(Glob.of("job-*")), Map.of(),
                new CommandRestarter.CommandConfig(ArgvTemplate.of(command), List.of(), dir.resolve("logs"), Optional.empty()), QUICK)));
    }

    private long logs() throws Exception {
        if (!Files.isDirectory(dir.resolve("logs"))) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir.resolve("logs"))) {
            return files.count();
        }
    }

    @Test
    void aJobThatFailsAtEveryStartIsRetriedAsThePolicySaysThenPagedOnceAndNeverRestartedAgain() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<RestartRecord> pages = new CopyOnWriteArrayList<>();
        RestartSubject subject = new RestartSubject("job-crashing", "q", "id-1", "app-1", Map.of());
        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController controller = new RestartController(config(List.of("/bin/sh", "-c", "echo launching; exit 1")),
                     journal, s -> RestarterSettings.create(s, System::getenv), new RestartMetrics(registry, Clock.systemUTC()),
                     Clock.systemUTC(), () -> 0.0, (record, target) -> pages.add(record))) {

            assertThat(controller.alertFired(subject, "QueryFailed", "failed", "run-0")).isPresent();
            // Each launcher exits 1 at once: a failure known without waiting for a driver-lost timeout.
            Await.until("the policy to give up", Duration.ofSeconds(30), () -> {
                controller.tick("job-crashing"::equals);
                return controller.record("job-crashing").map(r -> r.phase() == RestartPhase.GIVEN_UP && r.announced()).orElse(false);
            });
            for (int i = 0; i < 20; i++) {
                controller.tick("job-crashing"::equals);
                controller.alertFired(subject, "DriverLost", "driver_lost", "run-" + (10 + i));
            }

            assertThat(logs()).isEqualTo(3);
            assertThat(pages).hasSize(1);
            assertThat(pages.get(0).reason()).contains("exited with code 1").contains("giving up");
            assertThat(controller.statusLine("job-crashing")).hasValueSatisfying(line -> assertThat(line).startsWith("restarts exhausted"));
            assertThat(registry.get("streamops.restart.attempts").tags("job", "job-crashing", "outcome", "made").counter().count()).isEqualTo(3);
            assertThat(registry.get("streamops.restart.attempts").tags("job", "job-crashing", "outcome", "failed").counter().count()).isEqualTo(3);
            assertThat(registry.get("streamops.restart.given.up").tag("job", "job-crashing").gauge().value()).isEqualTo(1);
            assertThat(registry.get("streamops.restart.given.up.jobs").gauge().value()).isEqualTo(1);

            // An operator's restart resets the policy and makes one more attempt.
            assertThat(controller.restartByHand(RestartSubject.ofJob("job-crashing"))).containsInstanceOf(Decision.RestartNow.class);
            Await.until("the attempt by hand", Duration.ofSeconds(20), () -> {
                try {
                    return logs() == 4;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    @Test
    void aCleanStopAndAJobNoTargetCoversAreNotRestarted() throws Exception {
        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController controller = new RestartController(config(List.of("/bin/true")), journal,
                     s -> RestarterSettings.create(s, System::getenv), new RestartMetrics(new SimpleMeterRegistry(), Clock.systemUTC()),
                     Clock.systemUTC(), () -> 0.0, (record, target) -> { })) {
            assertThat(controller.alertFired(RestartSubject.ofJob("job-stopped"), "QueryEnded", "stopped", "run-1"))
                    .containsInstanceOf(Decision.Nothing.class);
            assertThat(controller.alertFired(RestartSubject.ofJob("other"), "QueryFailed", "failed", "run-1")).isEmpty();
            controller.tick(job -> job.equals("job-stopped") || job.equals("other"));
            assertThat(logs()).isZero();
        }
    }

    @Test
    void theRestartedQuerysProgressEndsTheIncidentAndTheNextOwnerSeesIt() throws Exception {
        RestartSubject subject = new RestartSubject("job-recovering", "q", "id-2", "", Map.of());
        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController controller = new RestartController(config(List.of("/bin/true")), journal,
                     s -> RestarterSettings.create(s, System::getenv), new RestartMetrics(new SimpleMeterRegistry(), Clock.systemUTC()),
                     Clock.systemUTC(), () -> 0.0, (record, target) -> { })) {
            controller.alertFired(subject, "QueryFailed", "failed", "run-1");
            Await.until("the restart", Duration.ofSeconds(20), () -> {
                controller.tick("job-recovering"::equals);
                return controller.record("job-recovering").map(r -> r.phase() == RestartPhase.RESTARTING && !r.handle().isEmpty())
                        .orElse(false);
            });
            assertThat(controller.statusLine("job-recovering")).contains("restarting, attempt 1 of 3 made, waiting for progress");
            controller.progress("job-recovering", "run-2");
            assertThat(controller.record("job-recovering").orElseThrow().phase()).isEqualTo(RestartPhase.HEALTHY);
        }
        try (KafkaRestartJournal next = KafkaRestartJournal.open(TOPIC, kafka())) {
            assertThat(next.read("job-recovering").orElseThrow().phase()).isEqualTo(RestartPhase.HEALTHY);
        }
    }

    @Test
    void anInstanceKilledMidRestartLeavesTheAttemptToTheNextOwnerWhichNeitherRepeatsNorForgetsIt() throws Exception {
        RestartPolicy shortDeadline = new RestartPolicy(3, Duration.ofHours(1), Duration.ZERO, Duration.ofMillis(100), 2.0, 0.1,
                Duration.ofHours(1), Duration.ofSeconds(2));
        RestartsConfig config = new RestartsConfig(TOPIC, List.of(new RestartTarget("all", List.of(Glob.of("job-*")), Map.of(),
                new CommandRestarter.CommandConfig(ArgvTemplate.of(List.of("/bin/sleep", "30")), List.of(), dir.resolve("logs"),
                        Optional.empty()), shortDeadline)));
        RestartSubject subject = new RestartSubject("job-handover", "q", "id-3", "", Map.of());
        String handle;
        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController owner = new RestartController(config, journal, s -> RestarterSettings.create(s, System::getenv),
                     new RestartMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC(), () -> 0.0, (r, t) -> { })) {
            assertThat(owner.alertFired(subject, "QueryFailed", "failed", "run-1")).containsInstanceOf(Decision.RestartNow.class);
            handle = Await.value("the launched driver", Duration.ofSeconds(20),
                    () -> owner.record("job-handover").map(RestartRecord::handle).filter(h -> !h.isEmpty()).orElse(null));
        } // the owner is gone; the driver it launched keeps running

        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController next = new RestartController(config, journal, s -> RestarterSettings.create(s, System::getenv),
                     new RestartMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC(), () -> 0.0, (r, t) -> { })) {
            next.takeOver();
            RestartRecord found = next.record("job-handover").orElseThrow();
            assertThat(found.phase()).isEqualTo(RestartPhase.RESTARTING);
            next.tick("job-handover"::equals); // only this job: the journal topic is shared with the other tests
            next.alertFired(subject, "DriverLost", "driver_lost", "run-1"); // old news about the run being answered
            assertThat(logs()).as("the attempt is not repeated").isEqualTo(1);

            // Not forgotten either: no progress by its deadline, so it failed and attempt 2 stops its driver first.
            Await.until("the second attempt", Duration.ofSeconds(20), () -> {
                next.tick("job-handover"::equals);
                return next.record("job-handover").map(r -> r.sequence() == 2 && !r.handle().isEmpty()).orElse(false);
            });
            long firstDriver = Long.parseLong(handle.substring(0, handle.indexOf('@')));
            Await.until("the first driver to be stopped", Duration.ofSeconds(20), () -> ProcessHandle.of(firstDriver).isEmpty()
                    || !ProcessHandle.of(firstDriver).get().isAlive());
            assertThat(logs()).isEqualTo(2);
            assertThat(next.record("job-handover").orElseThrow().reason()).contains("made no progress within 2 s");
            String second = next.record("job-handover").orElseThrow().handle();
            ProcessHandle.of(Long.parseLong(second.substring(0, second.indexOf('@')))).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void perJobGaugesAreExportedByTheJobsOwnerOnly() throws Exception {
        RestartSubject subject = new RestartSubject("job-gauged", "q", "id-4", "", Map.of());
        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController owner = new RestartController(config(List.of("/bin/true")), journal,
                     s -> RestarterSettings.create(s, System::getenv), new RestartMetrics(new SimpleMeterRegistry(), Clock.systemUTC()),
                     Clock.systemUTC(), () -> 0.0, (record, target) -> { })) {
            assertThat(owner.alertFired(subject, "QueryFailed", "failed", "run-1")).isPresent();
            owner.stopped("job-gauged"); // back to IDLE: the journal topic is shared, other tests tick every job
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController other = new RestartController(config(List.of("/bin/true")), journal,
                     s -> RestarterSettings.create(s, System::getenv), new RestartMetrics(registry, Clock.systemUTC()),
                     Clock.systemUTC(), () -> 0.0, (record, target) -> { })) {
            other.takeOver();
            assertThat(other.record("job-gauged")).isPresent();
            other.gaugesFor(job -> false);
            assertThat(registry.find("streamops.restart.given.up").tag("job", "job-gauged").gauge())
                    .as("an instance that does not own the job exports none of its gauges").isNull();

            other.gaugesFor(job -> true);
            assertThat(registry.find("streamops.restart.given.up").tag("job", "job-gauged").gauge()).isNotNull();
            other.gaugesFor(job -> false);
            assertThat(registry.find("streamops.restart.given.up").tag("job", "job-gauged").gauge())
                    .as("dropped once the job is owned elsewhere").isNull();
            assertThat(registry.find("streamops.restart.backoff.seconds").tag("job", "job-gauged").gauge()).isNull();
        }
    }
}
