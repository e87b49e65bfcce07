package io.streamops.demo;

import java.util.Arrays;
import java.util.Optional;

/**
 * The incidents the demo plays, what each should make the exporter do, and the query it hits. Each has a
 * name for {@code --incident}, the control endpoint ({@code POST /incidents/<name>}) and the dashboard's
 * buttons.
 */
enum Incident {
    SURGE("surge", "traffic surge: purchases arrive far faster than store-totals may read them; it falls behind, then catches up",
            "KafkaLagGrowing", "store-totals"),
    // Order matters: the killed driver must be the one the demo launched. A driver the exporter launched is
    // restarted as soon as its launcher exits, before any DriverLost (so that incident would show no alert).
    STALLED_SINK("stalled-sink", "stalled sink: the store-totals sink hangs, so its batch never ends; then it comes back",
            "QueryStalled", "store-totals"),
    KILLED_DRIVER("killed-driver", "killed driver: the Spark driver JVM is killed (SIGKILL); heartbeats stop, the exporter"
            + " pages and restarts the job from its checkpoints", "DriverLost", "cough-syrup-alerts"),
    POISON("poison", "poison record: a cough-syrup purchase the job cannot price fails cough-syrup-alerts; the exporter pages,"
            + " mails and restarts the job from its checkpoint", "QueryFailed", "cough-syrup-alerts");

    final String id;
    final String story;
    final String alert;
    final String query;

    Incident(String id, String story, String alert, String query) {
        this.id = id;
        this.story = story;
        this.alert = alert;
        this.query = query;
    }

    static Optional<Incident> named(String name) {
        return Arrays.stream(values()).filter(i -> i.id.equals(name)).findFirst();
    }

    static String names() {
        return String.join(", ", Arrays.stream(values()).map(i -> i.id).toList());
    }
}
