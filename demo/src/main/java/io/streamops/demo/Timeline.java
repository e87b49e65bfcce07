package io.streamops.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays the incidents one after another: each is triggered once the one before has fired and resolved its
 * alert (or its time is up), after a short pause, so every incident starts from a healthy pipeline.
 */
final class Timeline implements Runnable {
    private static final Duration POLL = Duration.ofMillis(500);

    private final List<Incident> incidents;
    private final Incidents trigger;
    private final AlertWatcher alerts;
    private final Pace pace;
    private final Console console;

    Timeline(List<Incident> incidents, Incidents trigger, AlertWatcher alerts, Pace pace, Console console) {
        this.incidents = incidents;
        this.trigger = trigger;
        this.alerts = alerts;
        this.pace = pace;
        this.console = console;
    }

    @Override
    public void run() {
        for (Incident incident : incidents) {
            pause(pace.settle());
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            Instant at = trigger.trigger(incident).at().minusSeconds(1);
            Optional<AlertWatcher.Transition> fired = until(() -> alerts.fired(incident.alert, incident.query, at));
            if (fired.isEmpty()) {
                console.line("TIMELINE " + incident.id + ": " + incident.alert + " on " + incident.query + " did not fire within "
                        + pace.incidentTimeout().toSeconds() + " s");
                continue;
            }
            boolean resolved = until(() -> alerts.resolved(fired.get()) ? Optional.of(true) : Optional.<Boolean>empty()).isPresent();
            console.line("TIMELINE " + incident.id + ": " + incident.alert + (resolved ? " fired and resolved"
                    : " fired and did not resolve within " + pace.incidentTimeout().toSeconds() + " s"));
        }
        if (!incidents.isEmpty()) {
            console.line("TIMELINE done: the demo keeps running; trigger incidents from the dashboard, Ctrl-C to stop");
        }
    }

    private <T> Optional<T> until(java.util.function.Supplier<Optional<T>> condition) {
        long deadline = System.nanoTime() + pace.incidentTimeout().toNanos();
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            Optional<T> v = condition.get();
            if (v.isPresent()) {
                return v;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        return Optional.empty();
    }

    private static void pause(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(end - System.nanoTime());
        }
    }
}
