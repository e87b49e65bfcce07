package io.streamops.exporter.web;

import io.streamops.exporter.signals.Signals;

/**
 * One query as the dashboard lists it: what it is, its status and its current numbers (null when not
 * known, where {@link Signals} has NaN). Names and exception text come from Spark: the page shows them as
 * text only.
 */
public record QueryRow(
        String job,
        String queryId,
        String queryName,
        String runId,
        String status,
        Double inputRate,
        Double processingRate,
        Double batchDurationSeconds,
        Double recordsBehind,
        Double timeBehindSeconds,
        Double watermarkDelaySeconds,
        Double stateRows,
        Double stateMemoryBytes,
        Double secondsSinceProgress,
        long consecutiveFailures,
        String exceptionMessage,
        String errorClass) {

    public static QueryRow of(Signals s) {
        return new QueryRow(s.job(), s.queryId(), s.queryName(), s.runId(), s.status().wireName(),
                known(s.inputRate()), known(s.processingRate()), known(s.batchDurationSeconds()), known(s.recordsBehind()),
                known(s.timeBehindSeconds()), known(s.watermarkDelaySeconds()), known(s.stateRows()),
                known(s.stateMemoryBytes()), known(s.secondsSinceProgress()), s.consecutiveFailures(),
                s.exceptionMessage(), s.errorClass());
    }

    /** JSON has no NaN or infinity: an unknown number is null. */
    static Double known(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
