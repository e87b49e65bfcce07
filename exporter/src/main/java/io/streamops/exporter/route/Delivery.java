package io.streamops.exporter.route;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.support.LogLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The last stage: hands every group whose wait is over to the durable delivery queue (which retries each
 * receiver on its own). A group leaves, and the notification log learns what its receiver was sent, only
 * if the queue took it; one it did not take stays and is handed over again on the next pass.
 */
final class Delivery implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    private final AlertGroups groups;
    private final NotificationLog log;
    private final Consumer<Dispatch> deliver;
    private final Counter failures;
    private final LogLimiter failureLog = new LogLimiter(LOG);

    Delivery(AlertGroups groups, NotificationLog log, Consumer<Dispatch> deliver, MeterRegistry registry) {
        this.groups = groups;
        this.log = log;
        this.deliver = deliver;
        this.failures = Counter.builder("streamops.exporter.routing.dispatch.failures")
                .description("Groups that could not be handed to the delivery queue (kept and tried again)").register(registry);
    }

    @Override
    public List<Notice> apply(List<Notice> notices, Instant now) {
        for (AlertGroups.Group group : groups.due(now)) {
            dispatch(group);
        }
        return List.of();
    }

    void dispatch(AlertGroups.Group group) {
        Dispatch d = group.dispatch();
        try {
            deliver.accept(d);
        } catch (RuntimeException e) {
            failures.increment();
            failureLog.warn(null, "could not hand the group {} to delivery ({}); kept, tried again next tick", d.groupKey(), e.toString());
            return;
        }
        groups.delivered(group);
        for (AlertTransition a : d.alerts()) {
            if (a.phase() == AlertPhase.FIRING) {
                log.sent(d.receiver(), a);
            } else {
                log.resolved(d.receiver(), a.fingerprint());
            }
        }
    }
}
