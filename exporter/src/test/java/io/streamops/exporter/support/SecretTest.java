package io.streamops.exporter.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretTest {
    /** Any record that holds a secret, as the notifiers' configs do. */
    private record Holder(String name, Secret key) {
    }

    @Test
    void printsAsStars() {
        Secret secret = Secret.of("hunter2");
        assertThat(secret.toString()).isEqualTo("***");
        assertThat(new Holder("pagerduty", secret).toString()).isEqualTo("Holder[name=pagerduty, key=***]");
        assertThat(secret.reveal()).isEqualTo("hunter2");
        assertThat(secret.redactFrom("key hunter2 rejected")).isEqualTo("key *** rejected");
        assertThat(secret).isEqualTo(Secret.of("hunter2")).isNotEqualTo(Secret.of("hunter3"));
    }

    @Test
    void anEmptySecretIsRefused() {
        assertThatThrownBy(() -> Secret.of("")).isInstanceOf(IllegalArgumentException.class);
    }
}
