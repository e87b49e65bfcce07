package io.streamops.exporter.notify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretTest {

    @Test
    void printsAsStars() {
        Secret secret = Secret.of("hunter2");
        assertThat(secret.toString()).isEqualTo("***");
        assertThat(String.valueOf(new PagerDutyConfig(secret, PagerDutyConfig.DEFAULT_BASE_URL, PagerDutyConfig.DEFAULT_TIMEOUT)))
                .doesNotContain("hunter2");
        assertThat(secret.reveal()).isEqualTo("hunter2");
        assertThat(secret.redactFrom("key hunter2 rejected")).isEqualTo("key *** rejected");
        assertThat(secret).isEqualTo(Secret.of("hunter2")).isNotEqualTo(Secret.of("hunter3"));
    }

    @Test
    void readsAMountedSecretFileWithoutItsLineBreak(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("routing-key"), "R0UTING\n");
        assertThat(Secret.fromFile(file).reveal()).isEqualTo("R0UTING");
    }

    @Test
    void aMissingVariableIsNamedButNoValueShown() {
        assertThatThrownBy(() -> Secret.fromEnv("STREAMOPS_TEST_SURELY_UNSET_VARIABLE"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STREAMOPS_TEST_SURELY_UNSET_VARIABLE");
        assertThatThrownBy(() -> Secret.of("")).isInstanceOf(IllegalArgumentException.class);
    }
}
