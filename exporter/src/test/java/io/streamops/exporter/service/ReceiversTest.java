package io.streamops.exporter.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamops.exporter.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** group_wait per receiver: its own setting, else its type's default (PagerDuty none, others routing.group_wait). */
class ReceiversTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ROUTING = Duration.ofSeconds(30);

    private static Map<String, JsonNode> receivers(String... nameAndJson) throws Exception {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (int i = 0; i < nameAndJson.length; i += 2) {
            out.put(nameAndJson[i], JSON.readTree(nameAndJson[i + 1]));
        }
        return out;
    }

    @Test
    void eachReceiverWaitsItsOwnGroupWaitElseItsTypesDefault() throws Exception {
        Map<String, JsonNode> config = receivers(
                "pagerduty", "{\"type\":\"pagerduty\",\"routing_key\":\"k\"}",
                "pagerduty-batched", "{\"type\":\"pagerduty\",\"routing_key\":\"k\",\"group_wait\":\"10s\"}",
                "email", "{\"type\":\"email\",\"host\":\"h\",\"from\":\"a@b\",\"to\":[\"c@d\"]}",
                "slack", "{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:1/\",\"group_wait\":\"0s\"}");
        assertThat(Receivers.groupWait(config, "pagerduty", ROUTING)).isZero();
        assertThat(Receivers.groupWait(config, "pagerduty-batched", ROUTING)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Receivers.groupWait(config, "email", ROUTING)).isEqualTo(ROUTING);
        assertThat(Receivers.groupWait(config, "slack", ROUTING)).isZero();
        assertThat(Receivers.build(config)).hasSize(4);
    }

    @Test
    void aGroupWaitThatIsNotADurationNamesTheReceiver() throws Exception {
        Map<String, JsonNode> config = receivers(
                "email", "{\"type\":\"email\",\"host\":\"h\",\"from\":\"a@b\",\"to\":[\"c@d\"],\"group_wait\":\"soon\"}");
        assertThatThrownBy(() -> Receivers.build(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("receivers.email: group_wait: 'soon' is not a duration");
    }
}
