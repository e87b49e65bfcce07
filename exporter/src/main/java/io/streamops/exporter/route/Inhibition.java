package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertTransition;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/** Mutes an alert while another firing alert inhibits it ({@link InhibitRule}). */
public final class Inhibition implements Mute {
    private final List<InhibitRule> rules;
    private final Supplier<Collection<AlertTransition>> firing;

    public Inhibition(List<InhibitRule> rules, Supplier<Collection<AlertTransition>> firing) {
        this.rules = List.copyOf(rules);
        this.firing = firing;
    }

    @Override
    public String name() {
        return "inhibited";
    }

    @Override
    public boolean mutes(AlertTransition alert, Instant now) {
        for (AlertTransition source : firing.get()) {
            for (InhibitRule rule : rules) {
                if (rule.inhibits(source, alert)) {
                    return true;
                }
            }
        }
        return false;
    }
}
