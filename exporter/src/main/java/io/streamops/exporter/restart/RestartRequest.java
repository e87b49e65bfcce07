package io.streamops.exporter.restart;

/**
 * One attempt to make.
 *
 * @param subject   the job, and the query and application it was last seen with
 * @param sequence  the attempt's number among all attempts for the job (see {@link RestartRecord#sequence()})
 * @param attemptId the same for every try of this attempt, by any instance ({@link RestartRecord#attemptId()})
 * @param previous  what the restarter returned for the job's last attempt ("" if none): the old run to stop
 */
public record RestartRequest(RestartSubject subject, long sequence, String attemptId, String previous) {

    public static RestartRequest of(RestartRecord record, String previousHandle) {
        return new RestartRequest(record.subject(), record.sequence(), record.attemptId(), previousHandle);
    }
}
