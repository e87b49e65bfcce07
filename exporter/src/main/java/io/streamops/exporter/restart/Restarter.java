package io.streamops.exporter.restart;

/**
 * Brings a job back: one implementation per way of running Spark ({@code command}, {@code spark-standalone},
 * {@code databricks}, {@code kubernetes}). A restarter only acts; whether and when to restart is the
 * {@link RestartDecider}'s business. Implementations are called for one job at a time.
 */
public interface Restarter {

    /**
     * Restarts the job for one attempt: stops what is left of the old run where the platform knows it, then
     * starts it again (from its checkpoint: the job's own configuration says where that is).
     *
     * @throws RestartException when the attempt could not be made; the reason is fit for logs and the API
     *                          (never a secret)
     */
    Launch restart(RestartRequest request) throws RestartException;

    /** The attempt could not be made. */
    final class RestartException extends Exception {
        public RestartException(String message) {
            super(message);
        }

        public RestartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
