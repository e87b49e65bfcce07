package io.streamops.exporter.restart;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a restart started.
 *
 * @param handle names the new run on its platform (a submission id, a run id, a process id): stored in
 *               the journal so the next attempt can stop it
 * @param exit   for a launcher the exporter runs itself, its exit code when it ends: a non-zero exit is a
 *               failed attempt known at once
 */
public record Launch(String handle, Optional<CompletableFuture<Integer>> exit) {

    public static Launch of(String handle) {
        return new Launch(handle, Optional.empty());
    }
}
