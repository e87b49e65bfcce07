package io.streamops.exporter.notify.delivery;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.support.DirectoryLock;
import io.streamops.exporter.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps pending deliveries in a directory, one JSON file each ({@code delivery-<sequence>.json}), so
 * that a restarted exporter still sends what the previous one had not.
 *
 * <p>Every write goes to a temporary file that is flushed to disk and then atomically renamed over the
 * target: a crash leaves the old content or the new, never half a file. A lock file keeps a second
 * exporter (or queue) off the same directory, which would otherwise send everything twice.
 */
final class DeliveryStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStore.class);
    private static final Pattern FILE_NAME = Pattern.compile("delivery-(\\d{19})\\.json");
    private static final String TEMP_SUFFIX = ".tmp";

    /**
     * The exporter's conventions ({@link Json}), plus: NaN must survive the round trip as a number
     * (signals use it for "unknown"), hence the non-standard NaN token; whole numbers read back as longs,
     * as they were written; indented, for whoever opens a pending delivery's file.
     */
    private static final ObjectMapper JSON = Json.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final Path directory;
    private final DirectoryLock lock;
    private final AtomicLong lastSequence = new AtomicLong();

    private DeliveryStore(Path directory, DirectoryLock lock) {
        this.directory = directory;
        this.lock = lock;
    }

    /** Opens (creating it if needed) and locks the directory. */
    static DeliveryStore open(Path directory) {
        DeliveryStore store = new DeliveryStore(directory, DirectoryLock.acquire(directory, "is in use by another delivery queue"));
        try {
            store.removeTempFiles();
        } catch (IOException e) {
            store.close();
            throw new UncheckedIOException("cannot open delivery directory " + directory, e);
        }
        return store;
    }

    /**
     * Every pending delivery in the directory, in submission order. A file that cannot be read is
     * renamed to {@code *.unreadable} and logged, so it neither blocks the queue nor gets lost.
     */
    List<PendingDelivery> loadAll() {
        List<PendingDelivery> deliveries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "delivery-*.json")) {
            for (Path file : files) {
                Matcher name = FILE_NAME.matcher(file.getFileName().toString());
                if (!name.matches()) {
                    continue;
                }
                lastSequence.accumulateAndGet(Long.parseLong(name.group(1)), Math::max);
                PendingDelivery delivery;
                try {
                    delivery = JSON.readValue(file.toFile(), PendingDelivery.class);
                } catch (IOException | RuntimeException e) {
                    quarantine(file, e);
                    continue;
                }
                if (delivery.version() > PendingDelivery.FORMAT) {
                    // Written by a newer exporter (then rolled back): leave it for that version.
                    LOG.warn("skipping {}: format {} is newer than this exporter's {}", file, delivery.version(), PendingDelivery.FORMAT);
                    continue;
                }
                deliveries.add(delivery);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list delivery directory " + directory, e);
        }
        deliveries.sort(Comparator.comparingLong(PendingDelivery::sequence));
        return deliveries;
    }

    /** A new delivery for a submitted notification, numbered after every other; not stored yet: {@link #save} it. */
    PendingDelivery newDelivery(Notification notification, List<Origin> origins, Instant now) {
        return PendingDelivery.first(lastSequence.incrementAndGet(), notification, origins, now);
    }

    /** Writes (or replaces) the stored state of a delivery, atomically. */
    void save(PendingDelivery delivery) {
        Path target = file(delivery);
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        try {
            byte[] json = JSON.writeValueAsBytes(delivery);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(json);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            moveAtomically(temp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write delivery file " + target, e);
        }
    }

    /** Forgets a delivery (delivered, rejected or given up). */
    void remove(PendingDelivery delivery) {
        try {
            Files.deleteIfExists(file(delivery));
        } catch (IOException e) {
            // It would be sent once more after a restart: a duplicate, not a loss.
            LOG.warn("cannot delete delivery file {}: {}", file(delivery), e.toString());
        }
    }

    Path file(PendingDelivery delivery) {
        return directory.resolve(String.format("delivery-%019d.json", delivery.sequence()));
    }

    private void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory();
    }

    /** Makes the rename itself durable. Not every platform can open a directory; there it is skipped. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort: the file content itself is already on disk.
        }
    }

    /** A temporary file is a write that never finished: its submit() never returned, so nobody relies on it. */
    private void removeTempFiles() throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, "*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private void quarantine(Path file, Exception cause) {
        Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
        LOG.error("cannot read pending delivery {} ({}); moved it to {}", file, cause.toString(), aside.getFileName());
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.error("cannot move unreadable delivery file {}: {}", file, e.toString());
        }
    }

    /** The directory, for log lines. */
    @Override
    public String toString() {
        return directory.toString();
    }

    @Override
    public void close() {
        try {
            lock.close();
        } catch (UncheckedIOException e) {
            LOG.warn("cannot release the lock of {}: {}", directory, e.getCause().toString());
        }
    }
}
