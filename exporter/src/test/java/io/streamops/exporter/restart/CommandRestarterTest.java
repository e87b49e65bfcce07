package io.streamops.exporter.restart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs real processes: coreutils' printf, env, sleep and false stand in for spark-submit. */
class CommandRestarterTest {
    @TempDir
    Path dir;

    private CommandRestarter restarter(List<String> argv, List<String> allowed) {
        return new CommandRestarter(new CommandRestarter.CommandConfig(ArgvTemplate.of(argv), allowed, dir.resolve("logs"),
                Optional.empty()), Map.of("ALLOWED", "visible", "EXPORTER_SECRET", "s3cr3t")::get);
    }

    private static RestartRequest request(RestartSubject subject, long sequence) {
        return new RestartRequest(subject, sequence, subject.job() + "#" + sequence, "");
    }

    private static int exitOf(Launch launch) throws Exception {
        return launch.exit().orElseThrow().get(20, TimeUnit.SECONDS);
    }

    @Test
    void namesThatAShellWouldRunAreNeverRunAndArriveVerbatim() throws Exception {
        Path pwned = dir.resolve("pwned");
        String quoteBreak = "x\"; touch " + pwned + "; echo \"";
        String substitution = "$(touch " + pwned + ")";
        String backticks = "`touch " + pwned + "`";
        CommandRestarter restarter = restarter(List.of("/usr/bin/printf", "[%s]\\n", "{job}", "{query_name}", "{query_id}", "{app_id}"), List.of());
        RestartRequest request = request(new RestartSubject(quoteBreak, substitution, backticks, "a'b; rm -rf ~", Map.of()), 1);

        Launch launch = restarter.restart(request);

        assertThat(exitOf(launch)).isZero();
        assertThat(pwned).doesNotExist();
        assertThat(Files.readAllLines(restarter.logFile(request), StandardCharsets.UTF_8))
                .containsExactly("[" + quoteBreak + "]", "[" + substitution + "]", "[" + backticks + "]", "[a'b; rm -rf ~]");
    }

    @Test
    void aPlaceholderInsideALongerArgumentIsRefused() {
        assertThatThrownBy(() -> ArgvTemplate.of(List.of("spark-submit", "--name={job}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'--name={job}'").hasMessageContaining("whole argument");
        assertThatThrownBy(() -> ArgvTemplate.of(List.of("{job}"))).hasMessageContaining("program");
    }

    @Test
    void theChildSeesOnlyAllowlistedEnvironmentVariables() throws Exception {
        CommandRestarter restarter = restarter(List.of("/usr/bin/env"), List.of("ALLOWED", "NOT_SET_ANYWHERE"));
        RestartRequest request = request(RestartSubject.ofJob("orders"), 1);
        assertThat(exitOf(restarter.restart(request))).isZero();
        assertThat(Files.readAllLines(restarter.logFile(request))).containsExactly("ALLOWED=visible");
    }

    @Test
    void eachAttemptLogsToItsOwnFileAndANonZeroExitIsReported() throws Exception {
        CommandRestarter failing = restarter(List.of("/bin/sh", "-c", "echo starting; exit 3"), List.of());
        RestartRequest first = request(RestartSubject.ofJob("../../etc/orders"), 1);
        RestartRequest second = request(RestartSubject.ofJob("../../etc/orders"), 2);

        assertThat(exitOf(failing.restart(first))).isEqualTo(3);
        assertThat(exitOf(failing.restart(second))).isEqualTo(3);

        assertThat(failing.logFile(first)).isNotEqualTo(failing.logFile(second));
        assertThat(failing.logFile(first).getParent()).isEqualTo(dir.resolve("logs"));
        assertThat(Files.readString(failing.logFile(second))).isEqualTo("starting\n");
    }

    @Test
    void aLauncherThatKeepsRunningIsStoppedBeforeTheNextAttemptAndOneThatExitsAfterSubmittingIsFine() throws Exception {
        CommandRestarter clientMode = restarter(List.of("/bin/sleep", "120"), List.of());
        Launch driver = clientMode.restart(request(RestartSubject.ofJob("orders"), 1));
        assertThat(driver.exit().orElseThrow()).isNotDone();
        long pid = Long.parseLong(driver.handle().substring(0, driver.handle().indexOf('@')));
        assertThat(ProcessHandle.of(pid)).isPresent();

        CommandRestarter clusterMode = restarter(List.of("/bin/true"), List.of());
        Launch submitted = clusterMode.restart(new RestartRequest(RestartSubject.ofJob("orders"), 2, "orders#2", driver.handle()));

        assertThat(exitOf(driver)).isNotZero(); // the stalled client-mode driver was stopped
        assertThat(exitOf(submitted)).isZero();
    }

    @Test
    void aValueThatWouldBeReadAsAnOptionIsRefusedAndNothingRuns() {
        Path ran = dir.resolve("ran");
        CommandRestarter restarter = restarter(List.of("/usr/bin/touch", ran.toString(), "{query_name}", "app.jar"), List.of());
        RestartSubject subject = new RestartSubject("orders", "--conf=spark.driver.extraJavaOptions=-Dx", "q-1", "app-1", Map.of());

        assertThatThrownBy(() -> restarter.restart(request(subject, 1)))
                .isInstanceOf(Restarter.RestartException.class)
                .hasMessageContaining("{query_name} of job orders is '--conf=spark.driver.extraJavaOptions=-Dx'")
                .hasMessageContaining("read as an option");
        assertThat(ran).doesNotExist();
    }

    @Test
    void aPlaceholderWhoseValueIsUnknownIsRefusedAndNothingRuns() {
        Path ran = dir.resolve("ran");
        CommandRestarter restarter = restarter(List.of("/usr/bin/touch", ran.toString(), "{app_id}"), List.of());
        // As a rule of the exporter's own tells it: no application id.
        RestartSubject subject = new RestartSubject("orders", "enrich", "q-1", "", Map.of());

        assertThatThrownBy(() -> restarter.restart(request(subject, 1)))
                .isInstanceOf(Restarter.RestartException.class)
                .hasMessageContaining("{app_id} of job orders is not known");
        assertThat(ran).doesNotExist();
    }

    @Test
    void theDriverOfTheLastAttemptIsStoppedWithTheProcessesItStarted() throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        CommandRestarter launcherScript = restarter(List.of("/bin/sh", "-c", "/bin/sleep 120 & echo $! > " + pidFile + "; wait"), List.of());
        Launch driver = launcherScript.restart(request(RestartSubject.ofJob("orders"), 1));
        testkitAwait(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        long grandchild = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle jvm = ProcessHandle.of(grandchild).orElseThrow();

        CommandRestarter next = restarter(List.of("/bin/true"), List.of());
        next.restart(new RestartRequest(RestartSubject.ofJob("orders"), 2, "orders#2", driver.handle()));

        exitOf(driver); // the launcher ended (its status depends on whether its shell or its child saw the signal first)
        jvm.onExit().get(20, TimeUnit.SECONDS);
        assertThat(jvm.isAlive()).as("the launcher's own child").isFalse();
    }

    private static void testkitAwait(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        io.streamops.testkit.Await.until("the launcher script's child", java.time.Duration.ofSeconds(20), () -> {
            try {
                return condition.call();
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aProgramThatCannotStartIsAFailedAttempt() {
        CommandRestarter missing = restarter(List.of(dir.resolve("no-such-spark-submit").toString()), List.of());
        assertThatThrownBy(() -> missing.restart(request(RestartSubject.ofJob("orders"), 1)))
                .isInstanceOf(Restarter.RestartException.class).hasMessageContaining("cannot start");
    }
}
