package io.streamops.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Makes each incident happen, on demand (the timeline, {@code --incident}, the control endpoint, the
 * dashboard's buttons), and remembers when each was triggered.
 */
final class Incidents implements AutoCloseable {
    /** One incident triggered at a time. */
    record Played(Incident incident, Instant at) {
    }

    private final PurchaseProducer producer;
    private final GroceryJobLauncher job;
    private final Pace pace;
    private final Console console;
    private final List<Played> played = new ArrayList<>();
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "incident-ends");
        t.setDaemon(true);
        return t;
    });

    Incidents(PurchaseProducer producer, GroceryJobLauncher job, Pace pace, Console console) {
        this.producer = producer;
        this.job = job;
        this.pace = pace;
        this.console = console;
    }

    /** Starts {@code incident} now; returns when it has been set off (its effects follow). */
    Played trigger(Incident incident) {
        Played p = new Played(incident, Instant.now());
        synchronized (played) {
            played.add(p);
        }
        console.line("INCIDENT " + incident.id + ": " + incident.story);
        switch (incident) {
            case SURGE -> producer.surge(pace.surgeRate(), pace.surgeLength());
            case POISON -> {
                touch(job.work().resolve("poison-armed"));
                producer.poison();
            }
            case STALLED_SINK -> {
                Path held = touch(job.work().resolve("stall-sink"));
                later.schedule(() -> {
                    delete(held);
                    console.line("incident stalled-sink: the sink answers again");
                }, pace.stallLength().toMillis(), TimeUnit.MILLISECONDS);
            }
            case KILLED_DRIVER -> {
                List<ProcessHandle> drivers = job.drivers();
                drivers.forEach(ProcessHandle::destroyForcibly);
                console.line("incident killed-driver: killed driver JVM " + drivers.stream().map(h -> Long.toString(h.pid())).toList());
            }
        }
        return p;
    }

    List<Played> played() {
        synchronized (played) {
            return List.copyOf(played);
        }
    }

    private static Path touch(Path file) {
        try {
            return Files.exists(file) ? file : Files.createFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        later.shutdownNow();
    }
}
