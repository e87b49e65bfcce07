package io.streamops.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTypeTest {

    @ParameterizedTest
    @EnumSource(EventType.class)
    void wireNameRoundTrips(EventType type) {
        assertThat(EventType.fromWireName(type.wireName())).isSameAs(type);
        assertThat(type.wireName()).isEqualTo(type.name().toLowerCase(Locale.ROOT));
    }

    @Test
    void wireNamesAreDistinct() {
        Set<String> names = new HashSet<>();
        for (EventType type : EventType.values()) {
            names.add(type.wireName());
        }
        assertThat(names).hasSize(EventType.values().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"paused", "PROGRESS", "Started", " progress", ""})
    void unknownWireNameIsAnErrorNamingIt(String name) {
        assertThatThrownBy(() -> EventType.fromWireName(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'");
    }

    @Test
    void nullWireNameIsAnError() {
        assertThatThrownBy(() -> EventType.fromWireName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyStartedAndTerminatedAreLifecycle() {
        Set<EventType> lifecycle = new HashSet<>();
        for (EventType type : EventType.values()) {
            if (type.isLifecycle()) {
                lifecycle.add(type);
            }
        }
        assertThat(lifecycle).containsExactlyInAnyOrder(EventType.STARTED, EventType.TERMINATED);
    }
}
