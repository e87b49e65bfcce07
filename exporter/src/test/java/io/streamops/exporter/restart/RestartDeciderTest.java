package io.streamops.exporter.restart;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RestartDeciderTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final RestartSubject JOB = new RestartSubject("orders", "enrich", "q-1", "app-1", Map.of("env", "prod"));
    private final RestartDecider decider = new RestartDecider(RestartPolicy.DEFAULT, () -> 0.0);

    private static Observation.AlertFired failed(String runId, Instant at) {
        return new Observation.AlertFired(JOB, "QueryFailed", "failed", runId, at);
    }

    @Test
    void aFailureRestartsAfterTheFirstBackoffAndTheAttemptIsOnRecordBeforeItIsMade() {
        Decision scheduled = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0));

        assertThat(scheduled).isInstanceOf(Decision.RestartAt.class);
        assertThat(((Decision.RestartAt) scheduled).at()).isEqualTo(T0.plusSeconds(1));
        assertThat(scheduled.record().phase()).isEqualTo(RestartPhase.WAITING);
        assertThat(decider.decide(scheduled.record(), new Observation.Tick(T0.plusMillis(999))))
                .isInstanceOf(Decision.Wait.class);

        Decision now = decider.decide(scheduled.record(), new Observation.Tick(T0.plusSeconds(1)));
        assertThat(now).isInstanceOf(Decision.RestartNow.class);
        RestartRecord restarting = now.record();
        assertThat(restarting.phase()).isEqualTo(RestartPhase.RESTARTING);
        assertThat(restarting.consecutive()).isEqualTo(1);
        assertThat(restarting.sequence()).isEqualTo(1);
        assertThat(restarting.attemptId()).isEqualTo("orders#1#");
        assertThat(restarting.due()).isEqualTo(T0.plusSeconds(1).plus(RestartPolicy.DEFAULT.progressDeadline()));
        assertThat(restarting.reason()).contains("QueryFailed");
    }

    @Test
    void aCleanStopIsNeverRestarted() {
        RestartRecord idle = RestartRecord.idle(JOB, T0);
        Decision decision = decider.decide(idle, new Observation.AlertFired(JOB, "QueryStopped", "stopped", "run-1", T0));
        assertThat(decision).isInstanceOf(Decision.Nothing.class);
        assertThat(decision.changed()).isFalse();
    }

    @Test
    void aStopDuringTheBackoffCancelsTheRestart() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record();
        RestartRecord stopped = decider.decide(waiting, new Observation.QueryStopped(T0.plusMillis(500))).record();
        assertThat(stopped.phase()).isEqualTo(RestartPhase.IDLE);
        assertThat(decider.decide(stopped, new Observation.Tick(T0.plusSeconds(5)))).isInstanceOf(Decision.Nothing.class);
    }

    @Test
    void aJobThatFailsAtEveryStartIsRetriedAsThePolicySaysThenGivenUpExactlyOnce() {
        RestartRecord record = RestartRecord.idle(JOB, T0);
        Instant now = T0;
        List<Duration> backoffs = new ArrayList<>();
        int restarts = 0;
        int giveUps = 0;
        Decision decision = decider.decide(record, failed("run-0", now));
        for (int step = 0; step < 40; step++) {
            record = decision.record();
            if (decision instanceof Decision.GiveUp) {
                giveUps++;
            }
            if (decision instanceof Decision.RestartAt at) {
                backoffs.add(Duration.between(now, at.at()));
                now = at.at();
                decision = decider.decide(record, new Observation.Tick(now));
                continue;
            }
            if (decision instanceof Decision.RestartNow) {
                restarts++;
            }
            now = now.plusSeconds(20); // each new run fails 20 s after its start
            decision = decider.decide(record, failed("run-" + (step + 1), now));
        }
        assertThat(restarts).isEqualTo(5);
        assertThat(giveUps).isEqualTo(1);
        assertThat(record.phase()).isEqualTo(RestartPhase.GIVEN_UP);
        assertThat(backoffs).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(16));
        // Until its page is handed over, a tick gives up again (the instance that sent it may have died) ...
        assertThat(decider.decide(record, new Observation.Tick(now.plusSeconds(1)))).isInstanceOf(Decision.GiveUp.class);
        // ... and once it is, nothing happens any more, however long it waits.
        RestartRecord announced = record.announcedNow();
        assertThat(decider.decide(announced, new Observation.Tick(now.plus(Duration.ofHours(3))))).isInstanceOf(Decision.Nothing.class);
        assertThat(decider.decide(announced, failed("run-99", now.plus(Duration.ofHours(3))))).isInstanceOf(Decision.Nothing.class);
    }

    @Test
    void anOperatorRestartResetsAGivenUpPolicy() {
        RestartRecord givenUp = new RestartRecord(RestartPhase.GIVEN_UP, JOB, 5,
                List.of(T0, T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(3), T0.plusSeconds(4)), 5, null, T0,
                "gave up", "h", "run-5", "run-4", true);
        Decision manual = decider.decide(givenUp, new Observation.ManualRestart(RestartSubject.ofJob("orders"), T0.plusSeconds(60)));
        assertThat(manual).isInstanceOf(Decision.RestartNow.class);
        assertThat(manual.record().consecutive()).isEqualTo(1);
        assertThat(manual.record().sequence()).isEqualTo(6);
        assertThat(manual.record().attemptTimes()).containsExactly(T0.plusSeconds(60));
        assertThat(manual.record().subject().queryId()).isEqualTo("q-1"); // what the hand request did not say is kept
    }

    @Test
    void anAlertAboutTheRunAlreadyBeingAnsweredIsOldNews() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record();
        RestartRecord restarting = decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1))).record();
        Observation driverLost = new Observation.AlertFired(JOB, "DriverLost", "driver_lost", "run-1", T0.plusSeconds(90));

        assertThat(decider.decide(waiting, driverLost)).isInstanceOf(Decision.Wait.class);
        assertThat(decider.decide(restarting, driverLost)).isInstanceOf(Decision.Wait.class);
        Decision newFailure = decider.decide(restarting, failed("run-2", T0.plusSeconds(30)));
        assertThat(newFailure).isInstanceOf(Decision.RestartAt.class);
        assertThat(((Decision.RestartAt) newFailure).at()).isEqualTo(T0.plusSeconds(32));
    }

    @Test
    void progressMakesTheAttemptGoodAndAfterAHealthyHourTheCountersReset() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record();
        RestartRecord restarting = decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1))).record();

        assertThat(decider.decide(restarting, new Observation.ProgressMade("run-1", T0.plusSeconds(5))))
                .isInstanceOf(Decision.Wait.class); // a late progress event of the failed run proves nothing
        Decision good = decider.decide(restarting, new Observation.ProgressMade("run-2", T0.plusSeconds(9)));
        RestartRecord healthy = good.record();
        assertThat(healthy.phase()).isEqualTo(RestartPhase.HEALTHY);
        assertThat(good.changed()).isTrue();
        assertThat(healthy.due()).isEqualTo(T0.plusSeconds(9).plus(Duration.ofHours(1)));

        // A failure before the reset continues the series: the second attempt waits 2 s.
        Decision again = decider.decide(healthy, failed("run-2", T0.plusSeconds(600)));
        assertThat(((Decision.RestartAt) again).at()).isEqualTo(T0.plusSeconds(602));

        RestartRecord reset = decider.decide(healthy, new Observation.Tick(healthy.due())).record();
        assertThat(reset.phase()).isEqualTo(RestartPhase.IDLE);
        assertThat(reset.consecutive()).isZero();
        assertThat(reset.attemptTimes()).isEmpty();
        Decision fresh = decider.decide(reset, failed("run-2", healthy.due().plusSeconds(1)));
        assertThat(((Decision.RestartAt) fresh).at()).isEqualTo(healthy.due().plusSeconds(2));
    }

    @Test
    void anAttemptWithoutProgressByTheDeadlineFailed() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record();
        RestartRecord restarting = decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1))).record();
        assertThat(decider.decide(restarting, new Observation.Tick(restarting.due().minusMillis(1)))).isInstanceOf(Decision.Wait.class);

        Decision late = decider.decide(restarting, new Observation.Tick(restarting.due()));
        assertThat(late).isInstanceOf(Decision.RestartAt.class);
        assertThat(late.record().reason()).contains("no progress within 300 s");
        assertThat(((Decision.RestartAt) late).at()).isEqualTo(restarting.due().plusSeconds(2));
    }

    @Test
    void aLaunchedDriverThatExitsNonZeroFailedAtOnceAndItsLaterDriverLostIsOldNews() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record();
        RestartRecord restarting = decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1))).record();
        RestartRecord healthy = decider.decide(restarting, new Observation.ProgressMade("run-2", T0.plusSeconds(8))).record();

        assertThat(decider.decide(healthy, new Observation.LauncherExited(1, 0, T0.plusSeconds(20))))
                .isInstanceOf(Decision.Nothing.class);
        assertThat(decider.decide(healthy, new Observation.LauncherExited(0, 137, T0.plusSeconds(20))))
                .isInstanceOf(Decision.Nothing.class); // an older attempt's launcher
        Decision exited = decider.decide(healthy, new Observation.LauncherExited(1, 137, T0.plusSeconds(20)));
        assertThat(exited).isInstanceOf(Decision.RestartAt.class);
        assertThat(exited.record().reason()).contains("exited with code 137");

        RestartRecord second = decider.decide(exited.record(), new Observation.Tick(T0.plusSeconds(22))).record();
        assertThat(second.sequence()).isEqualTo(2);
        Observation lateDriverLost = new Observation.AlertFired(JOB, "DriverLost", "driver_lost", "run-2", T0.plusSeconds(80));
        assertThat(decider.decide(second, lateDriverLost)).isInstanceOf(Decision.Wait.class);
    }

    @Test
    void oneRestartAtATime() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record();
        assertThat(decider.decide(waiting, new Observation.AlertFired(JOB, "QueryStalled", "stalled", "run-1b", T0.plusMillis(10))))
                .isInstanceOf(Decision.Wait.class);
        RestartRecord restarting = decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1))).record();
        assertThat(decider.decide(restarting, new Observation.ManualRestart(JOB, T0.plusSeconds(2))))
                .isInstanceOf(Decision.Wait.class);
    }

    /** Attempt 1 under way since T0+1s (its deadline T0+1s+5min), for run-1's failure. */
    private RestartRecord attemptUnderWay() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record();
        return decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1))).record();
    }

    @Test
    void aRestartByHandDuringAnAttemptIsKeptAndMadeOnceTheAttemptMadeProgress() throws Exception {
        RestartRecord restarting = attemptUnderWay();
        Decision asked = decider.decide(restarting, new Observation.ManualRestart(JOB, "command:c-1", T0.plusSeconds(2)));
        assertThat(asked).isInstanceOf(Decision.Wait.class);
        assertThat(asked.changed()).as("kept on record, so that the next owner makes it too").isTrue();
        assertThat(asked.record().byHandWaiting()).isEqualTo("command:c-1");
        assertThat(asked.record().sequence()).isEqualTo(1);
        // Journaled as JSON: what the next owner reads keeps it.
        RestartRecord read = io.streamops.exporter.support.Json.MAPPER.readValue(
                io.streamops.exporter.support.Json.MAPPER.writeValueAsBytes(asked.record()), RestartRecord.class);
        assertThat(read).isEqualTo(asked.record());

        // Asked again (the same command read again, and another operator's) while the attempt goes on: one restart.
        RestartRecord kept = decider.decide(read, new Observation.ManualRestart(JOB, "command:c-1", T0.plusSeconds(3))).record();
        Decision again = decider.decide(kept, new Observation.ManualRestart(JOB, "command:c-2", T0.plusSeconds(4)));
        assertThat(again).isInstanceOf(Decision.Wait.class);
        assertThat(again.record().byHandWaiting()).isEqualTo("command:c-1");
        assertThat(decider.decide(again.record(), new Observation.Tick(T0.plusSeconds(5)))).isInstanceOf(Decision.Wait.class);

        Decision made = decider.decide(again.record(), new Observation.ProgressMade("run-2", T0.plusSeconds(30)));
        assertThat(made).isInstanceOf(Decision.RestartNow.class);
        assertThat(made.record().sequence()).isEqualTo(2);
        assertThat(made.record().consecutive()).as("a restart by hand resets the policy").isEqualTo(1);
        assertThat(made.record().reason()).isEqualTo("restarted by hand");
        assertThat(made.record().attemptId()).isEqualTo("orders#2#command:c-1");
        assertThat(made.record().byHandWaiting()).isEmpty();
        assertThat(made.record().knownBeforeAttempt("run-2")).as("the run it replaces is old news").isTrue();
        assertThat(decider.decide(made.record(), new Observation.ManualRestart(JOB, "command:c-2", T0.plusSeconds(31))))
                .as("neither command is made twice").isInstanceOf(Decision.Wait.class);
    }

    @Test
    void aRestartByHandWaitingForAFailedAttemptIsMadeAtOnceNotAfterTheBackoffAndNotGivenUp() {
        RestartRecord restarting = attemptUnderWay();
        RestartRecord asked = decider.decide(restarting, new Observation.ManualRestart(JOB, T0.plusSeconds(2))).record();
        assertThat(asked.byHandWaiting()).as("a restart by hand without a command id waits too").isNotEmpty();

        Decision failedAttempt = decider.decide(asked, failed("run-2", T0.plusSeconds(20)));
        assertThat(failedAttempt).isInstanceOf(Decision.RestartNow.class);
        assertThat(failedAttempt.record().sequence()).isEqualTo(2);
        assertThat(failedAttempt.record().reason()).isEqualTo("restarted by hand");

        Decision pastDeadline = decider.decide(asked, new Observation.Tick(T0.plus(Duration.ofMinutes(10))));
        assertThat(pastDeadline).isInstanceOf(Decision.RestartNow.class);
        assertThat(pastDeadline.record().sequence()).isEqualTo(2);

        // The policy's last attempt failing: the operator's restart is made instead of the RestartsExhausted page.
        RestartDecider once = new RestartDecider(new RestartPolicy(1, Duration.ofHours(1), Duration.ofSeconds(1),
                Duration.ofMinutes(1), 2.0, 0.1, Duration.ofHours(1), Duration.ofMinutes(5)), () -> 0.0);
        RestartRecord last = once.decide(once.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record(),
                new Observation.Tick(T0.plusSeconds(1))).record();
        assertThat(once.decide(last, failed("run-2", T0.plusSeconds(20)))).isInstanceOf(Decision.GiveUp.class);
        RestartRecord lastAsked = once.decide(last, new Observation.ManualRestart(JOB, "command:c-3", T0.plusSeconds(2))).record();
        Decision instead = once.decide(lastAsked, failed("run-2", T0.plusSeconds(20)));
        assertThat(instead).isInstanceOf(Decision.RestartNow.class);
        assertThat(instead.record().phase()).isEqualTo(RestartPhase.RESTARTING);
    }

    @Test
    void aCleanStopAfterARestartByHandWasAskedForWinsTheJobStaysStopped() {
        RestartRecord asked = decider.decide(attemptUnderWay(), new Observation.ManualRestart(JOB, "command:c-4", T0.plusSeconds(2)))
                .record();
        // The restarter stopping the run it replaces is no one's wish: the attempt goes on, the restart still waits.
        Decision replaced = decider.decide(asked, new Observation.QueryStopped("run-1", T0.plusSeconds(3)));
        assertThat(replaced.record().byHandWaiting()).isEqualTo("command:c-4");

        Decision stopped = decider.decide(asked, new Observation.QueryStopped("run-2", T0.plusSeconds(9)));
        assertThat(stopped).isInstanceOf(Decision.Nothing.class);
        assertThat(stopped.changed()).isTrue();
        assertThat(stopped.record().phase()).as("no attempt under way, none waiting").isEqualTo(RestartPhase.HEALTHY);
        assertThat(stopped.record().byHandWaiting()).isEmpty();
        assertThat(stopped.record().reason()).contains("stopped cleanly").contains("restart by hand").contains("dropped");
        assertThat(decider.decide(stopped.record(), new Observation.Tick(T0.plusSeconds(10)))).isInstanceOf(Decision.Nothing.class);

        Decision sigterm = decider.decide(asked, new Observation.LauncherExited(1, 143, T0.plusSeconds(9)));
        assertThat(sigterm).isInstanceOf(Decision.Nothing.class);
        assertThat(sigterm.record().byHandWaiting()).isEmpty();
    }

    @Test
    void aRestarterThatCannotActFailsTheAttempt() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record();
        RestartRecord restarting = decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1))).record();
        Decision failed = decider.decide(restarting, new Observation.LaunchFailed(1, "HTTP 401", T0.plusSeconds(2)));
        assertThat(failed).isInstanceOf(Decision.RestartAt.class);
        assertThat(failed.record().reason()).contains("could not be made: HTTP 401");
    }

    private static Observation.AlertFired fromAlertmanager(String fingerprint, Instant startsAt, Instant arrived) {
        return new Observation.AlertFired(JOB, "QueryFailed", "failed", "", Observation.incidentOf(fingerprint, startsAt),
                startsAt, arrived);
    }

    @Test
    void anAlertmanagerAlertSentAgainIsActedOnOnceAndJudgedByItsStartNotItsArrival() {
        Observation.AlertFired alert = fromAlertmanager("fp-1", T0, T0.plusSeconds(2));
        Decision first = decider.decide(RestartRecord.idle(JOB, T0), alert);
        assertThat(first).isInstanceOf(Decision.RestartAt.class);
        RestartRecord restarting = decider.decide(first.record(), new Observation.Tick(T0.plusSeconds(3))).record();
        assertThat(restarting.attemptId()).isEqualTo("orders#1#fp-1@" + T0);

        // Alertmanager's retry of the same notification, arriving after the attempt was made.
        assertThat(decider.decide(restarting, fromAlertmanager("fp-1", T0, T0.plusSeconds(40))))
                .isInstanceOf(Decision.Wait.class).satisfies(d -> assertThat(d.changed()).isFalse());
        // Another alert about the same failure (DriverLost, say), started before the attempt, arriving after it.
        assertThat(decider.decide(restarting, fromAlertmanager("fp-2", T0.plusSeconds(1), T0.plusSeconds(40))))
                .isInstanceOf(Decision.Wait.class);

        RestartRecord healthy = decider.decide(restarting, new Observation.ProgressMade("run-2", T0.plusSeconds(10))).record();
        // The repeat Alertmanager sends every repeat_interval while it still fires, and a late one about the old failure.
        assertThat(decider.decide(healthy, fromAlertmanager("fp-1", T0, T0.plusSeconds(600)))).isInstanceOf(Decision.Nothing.class);
        assertThat(decider.decide(healthy, fromAlertmanager("fp-3", T0.plusSeconds(5), T0.plusSeconds(600))))
                .isInstanceOf(Decision.Nothing.class);
        RestartRecord reset = decider.decide(healthy, new Observation.Tick(healthy.due())).record();
        assertThat(decider.decide(reset, fromAlertmanager("fp-1", T0, healthy.due().plusSeconds(1)))).isInstanceOf(Decision.Nothing.class);

        // A failure that started after the restarted run was healthy is a new incident.
        Decision again = decider.decide(healthy, fromAlertmanager("fp-1", T0.plusSeconds(300), T0.plusSeconds(301)));
        assertThat(again).isInstanceOf(Decision.RestartAt.class);
        assertThat(again.record().incident()).isEqualTo("fp-1@" + T0.plusSeconds(300));
    }

    @Test
    void anAlertmanagerAlertThatStartedAfterTheAttemptIsTheRestartedRunFailing() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), fromAlertmanager("fp-1", T0, T0)).record();
        RestartRecord restarting = decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1))).record();
        Decision failedAgain = decider.decide(restarting, fromAlertmanager("fp-1", T0.plusSeconds(30), T0.plusSeconds(31)));
        assertThat(failedAgain).isInstanceOf(Decision.RestartAt.class);
        assertThat(failedAgain.record().reason()).startsWith("attempt 1 failed");
    }

    @Test
    void anOperatorsCommandReadTwiceRestartsOnce() {
        RestartRecord healthy = RestartRecord.idle(JOB, T0).with(RestartPhase.HEALTHY, T0.plusSeconds(3600), T0, "");
        Observation command = new Observation.ManualRestart(JOB, "command:c-1", T0.plusSeconds(5));
        Decision first = decider.decide(healthy, command);
        assertThat(first).isInstanceOf(Decision.RestartNow.class);
        assertThat(first.record().sequence()).isEqualTo(1);
        RestartRecord healthyAgain = decider.decide(first.record(), new Observation.ProgressMade("run-9", T0.plusSeconds(9))).record();
        Decision second = decider.decide(healthyAgain, new Observation.ManualRestart(JOB, "command:c-1", T0.plusSeconds(20)));
        assertThat(second).isInstanceOf(Decision.Nothing.class);
        assertThat(second.record().sequence()).isEqualTo(1);
    }

    @Test
    void aRestartByHandIgnoresTheLateProgressOfTheRunItReplaces() {
        RestartRecord healthy = RestartRecord.idle(JOB, T0).withLastRun("run-old").with(RestartPhase.HEALTHY, T0.plusSeconds(3600), T0, "");
        RestartRecord restarting = decider.decide(healthy, new Observation.ManualRestart(JOB, T0.plusSeconds(5))).record();
        assertThat(decider.decide(restarting, new Observation.ProgressMade("run-old", T0.plusSeconds(6))).record().phase())
                .isEqualTo(RestartPhase.RESTARTING);
        assertThat(decider.decide(restarting, new Observation.ProgressMade("run-new", T0.plusSeconds(30))).record().phase())
                .isEqualTo(RestartPhase.HEALTHY);
    }

    @Test
    void aLaunchedDriverStoppedOnPurposeOrEndingCleanlyIsNotRestarted() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record();
        RestartRecord restarting = decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1))).record();
        for (int clean : new int[] {0, 130, 143}) {
            Decision exited = decider.decide(restarting, new Observation.LauncherExited(1, clean, T0.plusSeconds(20)));
            assertThat(exited).as("exit " + clean).isInstanceOf(Decision.Nothing.class);
        }
        RestartRecord stopped = decider.decide(restarting, new Observation.LauncherExited(1, 143, T0.plusSeconds(20))).record();
        assertThat(stopped.phase()).as("SIGTERM: stopped, so its deadline does not restart it").isEqualTo(RestartPhase.HEALTHY);
        assertThat(decider.decide(stopped, new Observation.Tick(restarting.due()))).isInstanceOf(Decision.Nothing.class);
    }

    @Test
    void theLaunchedDriverFailingAfterTheCountersWereResetIsStillAFailure() {
        RestartRecord waiting = decider.decide(RestartRecord.idle(JOB, T0), failed("run-1", T0)).record();
        RestartRecord restarting = decider.decide(waiting, new Observation.Tick(T0.plusSeconds(1))).record();
        RestartRecord healthy = decider.decide(restarting, new Observation.ProgressMade("run-2", T0.plusSeconds(8))).record();
        RestartRecord reset = decider.decide(healthy, new Observation.Tick(healthy.due())).record();
        assertThat(reset.phase()).isEqualTo(RestartPhase.IDLE);

        Decision exited = decider.decide(reset, new Observation.LauncherExited(1, 1, healthy.due().plusSeconds(60)));
        assertThat(exited).isInstanceOf(Decision.RestartAt.class);
        assertThat(exited.record().reason()).isEqualTo("the launched driver exited with code 1");
    }

    @Test
    void backoffGrowsIsCappedAndJitterStaysInItsBand() {
        RestartPolicy policy = RestartPolicy.DEFAULT;
        assertThat(policy.backoffBefore(1, 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoffBefore(3, 0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.backoffBefore(30, 0)).isEqualTo(Duration.ofMinutes(1));
        assertThat(policy.backoffBefore(30, 1)).isEqualTo(Duration.ofSeconds(54));
        assertThat(policy.backoffBefore(30, -1)).isEqualTo(Duration.ofSeconds(54));
        assertThat(policy.backoffBefore(30, 7)).isEqualTo(Duration.ofSeconds(54));
    }

    private static final RestartSubject QUERY_A = new RestartSubject("shop", "orders", "qid-A", "", Map.of());
    private static final RestartSubject QUERY_B = new RestartSubject("shop", "payments", "qid-B", "", Map.of());

    private static Observation.AlertFired driverLost(RestartSubject query, String runId, Instant at) {
        return new Observation.AlertFired(query, "DriverLost", "driver_lost", runId, "DriverLost/" + query.queryId() + "@" + T0, at, at);
    }

    /** The attempt for query A, made at T0 + 1 s after A's DriverLost at T0. */
    private RestartRecord restartingForA(Observation.AlertFired first) {
        Decision scheduled = decider.decide(RestartRecord.idle(QUERY_A, T0), first);
        Decision now = decider.decide(scheduled.record(), new Observation.Tick(T0.plusSeconds(1)));
        assertThat(now).isInstanceOf(Decision.RestartNow.class);
        return now.record();
    }

    @Test
    void aLostDriverOfTwoQueriesIsRestartedOnceNotOncePerQuery() {
        RestartRecord restarting = restartingForA(driverLost(QUERY_A, "RA", T0));

        // Query B's DriverLost for its run of the same lost driver matures 3 s later, during the attempt.
        Decision b = decider.decide(restarting, driverLost(QUERY_B, "RB", T0.plusSeconds(3)));
        assertThat(b).isInstanceOf(Decision.Wait.class);
        assertThat(b.record().phase()).isEqualTo(RestartPhase.RESTARTING);
        assertThat(decider.decide(b.record(), new Observation.Tick(T0.plusSeconds(10))).record().sequence()).isEqualTo(1);
    }

    @Test
    void anAlertOfARunKnownBeforeTheAttemptIsOldNewsButANewRunOfEitherQueryFailingIsNot() {
        RestartRecord idle = decider.decide(RestartRecord.idle(QUERY_A, T0), new Observation.ProgressMade("qid-B", "RB", T0)).record();
        Decision scheduled = decider.decide(idle, driverLost(QUERY_A, "RA", T0.plusSeconds(1)));
        RestartRecord restarting = decider.decide(scheduled.record(), new Observation.Tick(T0.plusSeconds(2))).record();

        assertThat(decider.decide(restarting, driverLost(QUERY_B, "RB", T0.plusSeconds(3)))).isInstanceOf(Decision.Wait.class);
        // The new run of query B, seen after the attempt, failing: the attempt failed.
        RestartRecord seenNewB = decider.decide(restarting, new Observation.ProgressMade("qid-B", "RB2", T0.plusSeconds(4))).record();
        assertThat(decider.decide(seenNewB, driverLost(QUERY_B, "RB2", T0.plusSeconds(5))).record().phase())
                .isEqualTo(RestartPhase.WAITING);
        // The failed query's new run failing before its first progress: the attempt failed.
        assertThat(decider.decide(restarting, new Observation.AlertFired(QUERY_A, "QueryFailed", "failed", "RA2", T0.plusSeconds(5)))
                .record().phase()).isEqualTo(RestartPhase.WAITING);
    }

    @Test
    void anotherQuerysProgressNeitherCancelsTheRestartNorPassesTheAttempt() {
        Decision waiting = decider.decide(RestartRecord.idle(QUERY_A, T0),
                new Observation.AlertFired(QUERY_A, "QueryFailed", "failed", "RA", T0));
        Decision during = decider.decide(waiting.record(), new Observation.ProgressMade("qid-B", "RB", T0.plusMillis(500)));
        assertThat(during.record().phase()).isEqualTo(RestartPhase.WAITING);

        RestartRecord restarting = decider.decide(during.record(), new Observation.Tick(T0.plusSeconds(1))).record();
        assertThat(decider.decide(restarting, new Observation.ProgressMade("qid-B", "RB", T0.plusSeconds(5))).record().phase())
                .isEqualTo(RestartPhase.RESTARTING);
        assertThat(decider.decide(restarting, new Observation.ProgressMade("qid-A", "RA2", T0.plusSeconds(6))).record().phase())
                .isEqualTo(RestartPhase.HEALTHY);
    }

    @Test
    void theRestarterStoppingTheRunItReplacesDoesNotEndTheAttempt() {
        RestartRecord restarting = restartingForA(new Observation.AlertFired(QUERY_A, "QueryStalled", "stalled", "RA", "stall@t0", T0, T0));

        Decision oldStopped = decider.decide(restarting, new Observation.QueryStopped("RA", T0.plusSeconds(3)));
        assertThat(oldStopped.record().phase()).isEqualTo(RestartPhase.RESTARTING);
        assertThat(decider.decide(oldStopped.record(), new Observation.Tick(restarting.due())).record().reason())
                .contains("made no progress");
        // A stop of the new run is an operator's: it ends the attempt.
        assertThat(decider.decide(restarting, new Observation.QueryStopped("RA2", T0.plusSeconds(3))).record().phase())
                .isEqualTo(RestartPhase.HEALTHY);
    }
}
