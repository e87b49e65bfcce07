package io.streamops.exporter.streams;

import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the Kafka Streams part of this instance still works, for /healthz. Once Kafka Streams is in
 * ERROR it processes nothing again (no events read, no rules run, no alerts raised) while the process
 * stays up, so that state has to be visible to whoever watches the instance, with its reason.
 *
 * <p>The case that made this necessary: two instances with the same static member id (a data_dir copied,
 * member-id file and all). The broker fences the older one, whose stream thread dies with
 * {@link FencedInstanceIdException}; before, that instance went to ERROR silently and /healthz said ok.
 * The process is deliberately not exited: a supervisor would start it again, it would fence the other
 * copy in turn, and the two would take turns failing. It stays down, unhealthy, with the fix in the log.
 */
public final class StreamsHealth {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsHealth.class);

    private final String memberId;
    private final AtomicReference<String> problem = new AtomicReference<>();

    /** @param memberId this instance's static member id (group.instance.id), named in the diagnosis */
    public StreamsHealth(String memberId) {
        this.memberId = memberId;
    }

    /** Registers the state listener and the uncaught exception handler on {@code streams} (before it starts). */
    public void watch(KafkaStreams streams) {
        streams.setUncaughtExceptionHandler(this::uncaught);
        streams.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.ERROR) {
                problem.compareAndSet(null, "Kafka Streams is in state ERROR (from " + oldState + "); this instance processes no events");
                LOG.error("Kafka Streams went from {} to ERROR: this instance processes no events until it is restarted ({})",
                        oldState, problem.get());
            }
        });
    }

    /** Empty while healthy; otherwise what is wrong, for /healthz. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem.get());
    }

    StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse uncaught(Throwable e) {
        if (causedBy(e, FencedInstanceIdException.class)) {
            String why = "member id " + memberId + " is in use by another exporter (copied data_dir?): the broker fenced this"
                    + " instance. Give each instance its own data_dir, or delete the member-id file in the copy and restart it";
            problem.set(why);
            LOG.error("{} ({})", why, e.toString());
        } else {
            problem.compareAndSet(null, "a stream thread failed: " + e);
            LOG.error("a Kafka Streams thread failed; shutting Kafka Streams down (it processes no events from now on)", e);
        }
        // As Kafka Streams does by default: a thread replaced after our own bug or a fencing would only fail again.
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
