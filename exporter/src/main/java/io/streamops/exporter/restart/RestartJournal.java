package io.streamops.exporter.restart;

import java.util.Collection;
import java.util.Optional;

/**
 * Where the controller keeps each job's {@link RestartRecord} so that it survives the exporter: an
 * attempt is written here before it is made, so an instance killed mid-restart neither repeats the
 * attempt (the next owner finds it RESTARTING and waits for its progress or deadline) nor forgets it
 * (it counts against the policy).
 */
public interface RestartJournal extends AutoCloseable {

    /** The job's last record, as far as this instance has read. */
    Optional<RestartRecord> read(String job);

    /** Every job's last record, for the API. */
    Collection<RestartRecord> all();

    /** Stores {@code record} durably; when this returns, any later reader sees it. */
    void write(RestartRecord record) throws JournalException;

    /** Reads what other instances wrote up to now: call before acting on a job just taken over. */
    void catchUp() throws JournalException;

    @Override
    void close();

    /** The journal could not be written or read; the attempt must not be made. */
    final class JournalException extends Exception {
        public JournalException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
