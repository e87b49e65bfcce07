package io.streamops.exporter.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds a directory for one owner, across processes (an OS file lock on {@code .lock} inside it) and
 * within this JVM. Used for exporter.yaml's {@code data_dir} (one exporter process each) and the
 * delivery queue's folder: two owners would deliver each other's notifications twice.
 */
public final class DirectoryLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the directory if needed and locks it.
     *
     * @param inUse what to say when another owner holds it, e.g. "is in use by another exporter process"
     * @throws IllegalStateException when it is held, as "{@code <directory> <inUse>}"
     */
    public static DirectoryLock acquire(Path directory, String inUse) {
        try {
            Files.createDirectories(directory);
            FileChannel channel = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held in this JVM already
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException(directory.toAbsolutePath() + " " + inUse);
            }
            return new DirectoryLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + directory, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock of a directory", e);
        }
    }
}
