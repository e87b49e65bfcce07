package io.streamops.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exporter's default rules and the Prometheus rules agree: one recorded scenario ({@link Scenario}) is
 * fed to {@code exporter replay} and, as the fleet series the exporter would have exported (rendered by
 * its own code, {@code agreement/FleetSeries.java}, against the packaged jar), to {@code promtool test
 * rules}. Both must fire and resolve the same alerts on the same queries at the same times, within one
 * evaluation interval.
 *
 * <p>promtool is asked, at every evaluation, to expect no alert at all; the alerts it reports as got
 * instead are Prometheus's timeline.
 */
class RulesAgreementTest {
    private static final int INTERVAL = 15; // seconds: Prometheus's evaluation interval and the scrape step
    private static final Path JAR = Tool.REPO.resolve("exporter").resolve("target").resolve("streamops-exporter.jar");
    private static final Pattern REPLAYED = Pattern.compile("^(\\S+) (FIRING|RESOLVED) (\\w+) job=(\\S*) query=(\\S*) .*");
    private static final Pattern PROMTOOL_CHECK = Pattern.compile("alertname: (\\w+), time: (\\w+),");
    private static final Pattern GOT_QUERY = Pattern.compile("Labels:\\{.*query=\"([^\"]*)\"");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)([hms])");

    /** One change of one alert on one query, {@code second}s after the scenario's start. */
    record Transition(String alert, String query, String phase, long second) {
        @Override
        public String toString() {
            return phase + "@" + second + "s";
        }
    }

    @Test
    void replayAndPromtoolFireTheSameAlertsAtTheSameTimes(@TempDir Path dir) throws Exception {
        Path events = Scenario.write(dir.resolve("scenario.jsonl"));
        Map<String, List<Transition>> exporter = group(replay(events));
        Map<String, List<Transition>> prometheus = group(promtool(dir, events));
        System.out.println("agreement: exporter replay " + exporter + "\nagreement: promtool " + prometheus);

        assertThat(exporter.keySet()).as("alerts the scenario makes the exporter fire").containsExactlyInAnyOrder(
                "QueryFallingBehind/payments", "KafkaLagGrowing/payments", "BatchSlowerThanTrigger/payments",
                "WatermarkDelayHigh/payments", "StateMemoryGrowing/payments", "QueryFailed/audit",
                "QueryStalled/ledger", "DriverLost/ledger", "ListenerDroppingEvents/ledger");
        assertThat(prometheus.keySet()).as("Prometheus: " + prometheus + "%nexporter: " + exporter).isEqualTo(exporter.keySet());
        List<String> disagreements = new ArrayList<>();
        for (String key : exporter.keySet()) {
            List<Transition> e = exporter.get(key);
            List<Transition> p = prometheus.get(key);
            boolean same = e.size() == p.size();
            for (int i = 0; same && i < e.size(); i++) {
                long difference = p.get(i).second() - e.get(i).second();
                same = e.get(i).phase().equals(p.get(i).phase()) && Math.abs(difference) <= INTERVAL;
            }
            if (!same) {
                disagreements.add(key + ": exporter " + e + ", Prometheus " + p);
            }
        }
        assertThat(disagreements).isEmpty();
        // Every alert fired; all but the lost driver also resolved within the scenario.
        exporter.forEach((key, list) -> assertThat(list.get(0).phase()).as(key).isEqualTo("FIRING"));
        assertThat(exporter.values().stream().filter(l -> l.size() >= 2).count()).isEqualTo(8);
    }

    /** Transitions per alert/query, in time order, up to the last evaluation both sides made. */
    private static Map<String, List<Transition>> group(List<Transition> transitions) {
        Map<String, List<Transition>> out = new TreeMap<>();
        transitions.stream().filter(t -> t.second() <= Scenario.LENGTH.toSeconds() - INTERVAL)
                .forEach(t -> out.computeIfAbsent(t.alert() + "/" + t.query(), k -> new ArrayList<>()).add(t));
        return out;
    }

    private static List<Transition> replay(Path events) throws Exception {
        Tool replay = Tool.run(List.of(java(), "-jar", JAR.toString(), "replay",
                "--rules", Tool.REPO.resolve(PrometheusRulesTest.EXPORTER_RULES).toString(), "--events", events.toString()));
        assertThat(replay.ok()).as(replay.output()).isTrue();
        assertThat(replay.stderr()).as("replay skipped or failed on something").isEmpty();
        List<Transition> out = new ArrayList<>();
        for (String line : replay.stdout().lines().toList()) {
            Matcher m = REPLAYED.matcher(line);
            if (m.matches()) {
                out.add(new Transition(m.group(3), m.group(5), m.group(2),
                        Instant.parse(m.group(1)).getEpochSecond() - Scenario.START.getEpochSecond()));
            }
        }
        return out;
    }

    private static List<Transition> promtool(Path dir, Path events) throws Exception {
        long steps = Scenario.LENGTH.toSeconds() / INTERVAL;
        Tool series = Tool.run(List.of(java(), "-cp", JAR.toString(),
                Path.of("src", "test", "resources", "agreement", "FleetSeries.java").toAbsolutePath().toString(),
                events.toString(), "PT" + INTERVAL + "S", Scenario.START.toString(), Scenario.START.plus(Scenario.LENGTH).toString()));
        assertThat(series.ok()).as(series.output()).isTrue();
        List<Map<String, String>> input = new ArrayList<>();
        for (String line : series.stdout().lines().toList()) {
            String[] parts = line.split("\t");
            input.add(Map.of("series", parts[0], "values", parts[1]));
        }
        Set<String> alerts = new TreeSet<>(PrometheusRulesTest.prometheusAlerts().keySet());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (long k = 0; k <= steps; k++) {
            for (String alert : alerts) {
                checks.add(Map.of("eval_time", (k * INTERVAL) + "s", "alertname", alert, "exp_alerts", List.of()));
            }
        }
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("rule_files", List.of(Tool.REPO.resolve(PrometheusRulesTest.RULES).toString()));
        test.put("evaluation_interval", INTERVAL + "s");
        test.put("tests", List.of(Map.of("interval", INTERVAL + "s", "input_series", input, "alert_rule_test", checks)));
        Path file = dir.resolve("agreement.test.yml");
        new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), test);

        Tool run = Tool.run(List.of("promtool", "test", "rules", file.toString()));
        assertThat(run.output()).as("promtool must only report alerts it got").doesNotContain("could not").doesNotContain("parse error");
        Map<String, Set<Long>> firing = new TreeMap<>();
        String alert = null;
        long second = -1;
        for (String line : run.output().lines().toList()) {
            Matcher check = PROMTOOL_CHECK.matcher(line);
            if (check.find()) {
                alert = check.group(1);
                second = seconds(check.group(2));
            }
            Matcher query = GOT_QUERY.matcher(line);
            if (alert != null && query.find()) {
                firing.computeIfAbsent(alert + "/" + query.group(1), key -> new TreeSet<>()).add(second);
            }
        }
        List<Transition> out = new ArrayList<>();
        firing.forEach((key, times) -> {
            String[] k = key.split("/", 2);
            for (long s = 0; s <= steps * INTERVAL; s += INTERVAL) {
                boolean now = times.contains(s);
                boolean before = times.contains(s - INTERVAL);
                if (now != before) {
                    out.add(new Transition(k[0], k[1], now ? "FIRING" : "RESOLVED", s));
                }
            }
        });
        return out;
    }

    /** promtool's durations: "12m15s", "1h0m0s", "0s". */
    private static long seconds(String duration) {
        long total = 0;
        Matcher m = DURATION_PART.matcher(duration);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total += switch (m.group(2)) {
                case "h" -> n * 3600;
                case "m" -> n * 60;
                default -> n;
            };
        }
        return total;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
