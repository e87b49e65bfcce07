package io.streamops.exporter.restart;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.rules.Glob;
import io.streamops.testkit.Await;
import io.streamops.testkit.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void aRestartByHandDuringAnAttemptIsJournaledAndMadeOnceTheAttemptEnds() throws Exception {
        RestartSubject subject = new RestartSubject("job-by-hand", "q", "id-9", "", Map.of());
        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController controller = controller(config(List.of("/bin/sleep", "60")), journal)) {
            controller.alertFired(subject, "QueryFailed", "failed", "run-1");
            String first = Await.value("the first attempt", Duration.ofSeconds(20), () -> {
                controller.tick(subject.job()::equals);
                return controller.record(subject.job()).filter(r -> r.phase() == RestartPhase.RESTARTING)
                        .map(RestartRecord::handle).filter(h -> !h.isEmpty()).orElse(null);
            });

            assertThat(controller.restartByHand(subject, "command:by-hand-1")).containsInstanceOf(Decision.Wait.class);
            assertThat(logs()).as("one restart at a time").isEqualTo(1);
            try (KafkaRestartJournal next = KafkaRestartJournal.open(TOPIC, kafka())) {
                assertThat(next.read(subject.job()).orElseThrow().byHandWaiting())
                        .as("on record: the next owner makes it if this one goes").isEqualTo("command:by-hand-1");
            }
            assertThat(controller.statusLine(subject.job())).hasValueSatisfying(line -> assertThat(line).contains("restart by hand follows"));

            controller.progress(subject.job(), "run-2"); // the attempt made progress: it has ended
            Await.until("the restart by hand", Duration.ofSeconds(20), () -> controller.record(subject.job())
                    .map(r -> r.sequence() == 2 && !r.handle().isEmpty()).orElse(false));
            RestartRecord byHand = controller.record(subject.job()).orElseThrow();
            assertThat(byHand.reason()).isEqualTo("restarted by hand");
            assertThat(byHand.byHandWaiting()).isEmpty();
            long firstDriver = Long.parseLong(first.substring(0, first.indexOf('@')));
            Await.until("the first attempt's driver to be stopped", Duration.ofSeconds(20),
                    () -> ProcessHandle.of(firstDriver).map(p -> !p.isAlive()).orElse(true));
            assertThat(logs()).isEqualTo(2);
        } finally {
            killLaunchedSleeps();
        }
    }

    /**
     * A driver that ignores SIGTERM (so does the sleep it becomes): the next attempt's restarter waits its
     * 10 s grace before it kills it, a launch that takes longer than the 2 s progress deadline.
     */
    private RestartsConfig slowToReplace() {
        RestartPolicy deadline2s = new RestartPolicy(5, Duration.ofHours(1), Duration.ZERO, Duration.ofMillis(100), 2.0, 0.1,
                Duration.ofHours(1), Duration.ofSeconds(2));
        return new RestartsConfig(TOPIC, List.of(new RestartTarget("all", List.of(Glob.of("job-*")), Map.of(),
                new CommandRestarter.CommandConfig(ArgvTemplate.of(List.of("/bin/sh", "-c", "trap '' TERM; exec sleep 120")),
                        List.of(), dir.resolve("logs"), Optional.empty()), deadline2s)));
    }

    private static RestartController controller(RestartsConfig config, RestartJournal journal) {
        return new RestartController(config, journal, s -> RestarterSettings.create(s, System::getenv),
                new RestartMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.systemUTC(), () -> 0.0, (r, t) -> { });
    }

    /** The TERM-ignoring sleeps this test launched (through /bin/sh's exec): they would outlive it. */
    private static void killLaunchedSleeps() {
        ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void aPartitionGivenUpWaitsForItsJobsLaunchesAndNothingIsJournaledForThemAfterwards() throws Exception {
        RestartsConfig config = slowToReplace();
        RestartSubject kept = new RestartSubject("job-revoke-kept", "q", "id-5", "", Map.of());
        RestartSubject moved = new RestartSubject("job-revoke-moved", "q", "id-6", "", Map.of());
        Predicate<String> mine = job -> job.equals(kept.job()) || job.equals(moved.job());
        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController owner = controller(config, journal)) {
            owner.assigned(List.of(0, 1), job -> job.equals(moved.job()) ? 1 : 0);
            owner.takeOver();
            assertThat(owner.alertFired(kept, "QueryFailed", "failed", "run-1")).containsInstanceOf(Decision.RestartNow.class);
            assertThat(owner.alertFired(moved, "QueryFailed", "failed", "run-1")).containsInstanceOf(Decision.RestartNow.class);
            // Attempt 1 makes no progress within 2 s; attempt 2's restarter is then stopping attempt 1's driver.
            Await.until("both second attempts at work", Duration.ofSeconds(30), () -> {
                owner.tick(mine);
                return Stream.of(kept, moved).allMatch(s -> owner.launching(s.job())
                        && owner.record(s.job()).map(r -> r.sequence() == 2).orElse(false));
            });

            assertThat(owner.revoked(List.of(1), Duration.ofMillis(500)))
                    .as("a launch still at work after the wait is reported").isFalse();
            assertThat(owner.revoked(List.of(0), Duration.ofSeconds(30))).as("waited for the launch to end").isTrue();
            assertThat(owner.launching(kept.job())).isFalse();
            assertThat(owner.record(kept.job()).orElseThrow().handle())
                    .as("the launch waited for journaled its new run before the hand-over").isNotEmpty();

            Await.until("the moved job's launch to end", Duration.ofSeconds(30), () -> !owner.launching(moved.job()));
            RestartRecord movedRecord = owner.record(moved.job()).orElseThrow();
            assertThat(movedRecord.sequence()).isEqualTo(2);
            assertThat(movedRecord.handle()).as("nothing journaled after the partition was handed over").isEmpty();
            try (KafkaRestartJournal next = KafkaRestartJournal.open(TOPIC, kafka())) {
                assertThat(next.read(moved.job())).contains(movedRecord);
            }

            // No more decisions for the jobs handed over: news and time are not acted on.
            assertThat(owner.alertFired(moved, "QueryFailed", "failed", "run-7")).isEmpty();
            assertThat(owner.restartByHand(kept)).isEmpty();
            owner.tick(mine);
            assertThat(owner.record(moved.job())).contains(movedRecord);
            assertThat(logs()).as("two attempts per job, none after the hand-over").isEqualTo(4);
        } finally {
            killLaunchedSleeps();
        }
    }

    @Test
    void anAttemptsProgressDeadlineStartsWhenItsRestarterIsDoneNotWhenItWasDecided() throws Exception {
        RestartSubject subject = new RestartSubject("job-slow-launch", "q", "id-7", "", Map.of());
        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController controller = controller(slowToReplace(), journal)) {
            assertThat(controller.alertFired(subject, "QueryFailed", "failed", "run-1")).containsInstanceOf(Decision.RestartNow.class);
            Await.until("the second attempt at work", Duration.ofSeconds(30), () -> {
                controller.tick(subject.job()::equals);
                return controller.launching(subject.job())
                        && controller.record(subject.job()).map(r -> r.sequence() == 2).orElse(false);
            });
            // While the restarter works (10 s, five times the deadline), time does not judge the attempt ...
            controller.tick(subject.job()::equals);
            assertThat(controller.record(subject.job()).orElseThrow().sequence()).isEqualTo(2);
            Await.until("the second attempt made", Duration.ofSeconds(30), () -> !controller.launching(subject.job()));
            Instant made = Instant.now();
            // ... nor right after: the new run has its whole deadline from when the restarter was done.
            controller.tick(subject.job()::equals);
            RestartRecord second = controller.record(subject.job()).orElseThrow();
            assertThat(second.sequence()).isEqualTo(2);
            assertThat(second.phase()).isEqualTo(RestartPhase.RESTARTING);
            assertThat(second.due()).isAfter(second.since().plusSeconds(8)).isAfter(made.plusSeconds(1));
            assertThat(logs()).isEqualTo(2);
        } finally {
            killLaunchedSleeps();
        }
    }

    @Test
    void aLaunchDecidedWhileTheLastIsStillAtWorkStartsAfterItAndStopsTheRunItStarted() throws Exception {
        RestartSubject subject = new RestartSubject("job-overlap", "q", "id-10", "", Map.of());
        try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka());
             RestartController controller = controller(slowToReplace(), journal)) {
            controller.alertFired(subject, "QueryFailed", "failed", "run-1");
            Await.until("the second attempt at work", Duration.ofSeconds(30), () -> {
                controller.tick(subject.job()::equals);
                return controller.launching(subject.job())
                        && controller.record(subject.job()).map(r -> r.sequence() == 2).orElse(false);
            });
            // The failed query's new run fails while attempt 2's restarter still stops attempt 1's driver.
            Optional<Decision> third = controller.alertFired(subject, "QueryFailed", "failed", "run-3");
            assertThat(third).containsInstanceOf(Decision.RestartNow.class);
            assertThat(third.orElseThrow().record().sequence()).isEqualTo(3);
            Await.until("both launches done", Duration.ofSeconds(60), () -> !controller.launching(subject.job()));
            assertThat(logs()).isEqualTo(3);
            assertThat(ProcessHandle.current().descendants()
                    .filter(p -> p.isAlive() && p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)).count())
                    .as("attempt 3 stopped the driver attempt 2 started: one driver on the checkpoint").isEqualTo(1);
        } finally {
            killLaunchedSleeps();
        }
    }

    @Test
    void afterAFailedCatchUpNoDecisionIsMadeOnTheStaleJournalAndTheReadIsTriedAgain() throws Exception {
        RestartSubject subject = new RestartSubject("job-stale", "q", "id-8", "", Map.of());
        RestartsConfig config = config(List.of("/bin/true"));
        try (KafkaTestBroker broker = KafkaTestBroker.started()) {
            Properties kafka = new Properties();
            kafka.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (Admin admin = Admin.create(kafka)) {
                admin.createTopics(List.of(KafkaRestartJournal.topic(TOPIC, (short) 1))).all().get();
            }
            try (KafkaRestartJournal journal = KafkaRestartJournal.open(TOPIC, kafka, Duration.ofSeconds(5));
                 RestartController next = controller(config, journal)) {
                // The job's owner makes an attempt after the next owner last read the journal.
                try (KafkaRestartJournal ownersJournal = KafkaRestartJournal.open(TOPIC, kafka);
                     RestartController owner = controller(config, ownersJournal)) {
                    owner.alertFired(subject, "QueryFailed", "failed", "run-1");
                    Await.until("the owner's attempt", Duration.ofSeconds(20), () -> {
                        owner.tick(subject.job()::equals);
                        return owner.record(subject.job()).map(r -> r.phase() == RestartPhase.RESTARTING && !r.handle().isEmpty())
                                .orElse(false);
                    });
                }
                assertThat(logs()).isEqualTo(1);

                broker.stop(); // the hand-over's read of the journal fails
                next.assigned(List.of(0), job -> 0);
                assertThatThrownBy(next::takeOver).isInstanceOf(RestartJournal.JournalException.class);
                assertThat(next.decidesFor(subject.job())).isFalse();
                assertThat(next.alertFired(subject, "DriverLost", "driver_lost", "run-1")).as("kept, not decided").isEmpty();
                next.tick(subject.job()::equals);
                assertThat(next.record(subject.job())).as("its journal is stale").isEmpty();

                broker.start();
                Await.until("the journal read again", Duration.ofSeconds(60), () -> {
                    next.tick(subject.job()::equals);
                    return next.decidesFor(subject.job());
                });
                RestartRecord seen = next.record(subject.job()).orElseThrow();
                assertThat(seen.phase()).isEqualTo(RestartPhase.RESTARTING);
                assertThat(seen.sequence()).isEqualTo(1);
                // What waited was decided on the journal read, as is the next news: old news of the attempt's failure.
                assertThat(next.alertFired(subject, "QueryFailed", "failed", "run-1")).containsInstanceOf(Decision.Wait.class);
                next.tick(subject.job()::equals);
                assertThat(next.record(subject.job()).orElseThrow().sequence()).isEqualTo(1);
                assertThat(logs()).as("the owner's attempt is not repeated").isEqualTo(1);
            }
        }
    }
}
