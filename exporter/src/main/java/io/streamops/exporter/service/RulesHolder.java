package io.streamops.exporter.service;

import io.streamops.exporter.alert.RuleStage;
import io.streamops.exporter.rules.InvalidRulesException;
import io.streamops.exporter.rules.RulesLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The rules in force, reloaded when the file changes. A broken file is rejected with its problems
 * logged (file:line: reason) and the last good rules keep running.
 */
public final class RulesHolder implements Supplier<RuleStage>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RulesHolder.class);

    private final Path file;
    private final Set<String> receivers;
    private final AtomicReference<RuleStage> current = new AtomicReference<>();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "exporter-rules-watcher");
        t.setDaemon(true);
        return t;
    });
    private volatile FileTime loadedVersion;
    private volatile String lastRejected = "";

    /**
     * Loads the file now (failing if it is broken: there is nothing good to fall back on yet). Its rules,
     * now and after every reload, may notify only {@code receivers}.
     */
    public RulesHolder(Path file, Set<String> receivers) throws InvalidRulesException, IOException {
        this.file = file;
        this.receivers = Set.copyOf(receivers);
        FileTime version = null; // read before loading, so a change in between is reloaded, not missed
        try {
            version = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            // the load below says plainly what is wrong with the file
        }
        current.set(new RuleStage(RulesLoader.load(file, this.receivers)));
        loadedVersion = version;
    }

    public RulesHolder watch(long periodMillis) {
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public RuleStage get() {
        return current.get();
    }

    /** Reloads if the file changed; returns whether new rules are in force. */
    public boolean reloadIfChanged() {
        try {
            FileTime version = Files.getLastModifiedTime(file);
            if (version.equals(loadedVersion)) {
                return false;
            }
            loadedVersion = version;
            current.set(new RuleStage(RulesLoader.load(file, receivers)));
            lastRejected = "";
            LOG.info("reloaded rules from {}: {} rules", file, current.get().rules().rules().size());
            return true;
        } catch (InvalidRulesException e) {
            lastRejected = String.join("\n", e.problems().stream().map(Object::toString).toList());
            LOG.error("rejected the changed rules file, the previous rules stay in force:\n{}", lastRejected);
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot reload rules from {}: {}; the previous rules stay in force", file, e.toString());
        }
        return false;
    }

    /** Why the last change was rejected ("" if it was not). */
    public String lastRejected() {
        return lastRejected;
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
