package io.streamops.exporter.config;

import io.streamops.exporter.web.DashboardAction;
import io.streamops.exporter.yaml.YamlFields;
import io.streamops.exporter.yaml.YamlNode;
import io.streamops.exporter.yaml.YamlValues;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code dashboard:}: the web dashboard's settings. {@code actions} is a list of buttons, each a
 * {@code label} and the http(s) {@code url} the exporter POSTs to when it is pressed
 * ({@link DashboardAction}); every problem is reported with its place in the file.
 */
final class DashboardSection {
    static final int MAX_ACTIONS = 20;
    private static final List<String> SECTION = List.of("actions");
    private static final List<String> ACTION = List.of("label", "url");

    private final YamlValues values;

    DashboardSection(YamlValues values) {
        this.values = values;
    }

    List<DashboardAction> read(YamlNode node) {
        Optional<YamlNode.Mapping> mapping = values.mapping(node, "dashboard");
        if (mapping.isEmpty()) {
            return List.of();
        }
        values.rejectUnknownKeys(mapping.get(), SECTION, "dashboard");
        YamlFields fields = YamlFields.section(mapping.get(), "dashboard", values.problems());
        List<DashboardAction> actions = new ArrayList<>();
        fields.optional("actions", values::sequence).ifPresent(sequence -> {
            if (sequence.items().size() > MAX_ACTIONS) {
                values.problems().add(sequence.at(), "dashboard.actions: at most " + MAX_ACTIONS + " actions");
            }
            for (int i = 0; i < sequence.items().size(); i++) {
                String context = "dashboard.actions[" + i + "]";
                values.mapping(sequence.items().get(i), context).flatMap(a -> action(a, context)).ifPresent(actions::add);
            }
        });
        return List.copyOf(actions);
    }

    private Optional<DashboardAction> action(YamlNode.Mapping mapping, String context) {
        values.rejectUnknownKeys(mapping, ACTION, context);
        YamlFields fields = YamlFields.section(mapping, context, values.problems());
        Optional<String> label = fields.required("label", values::text);
        Optional<java.net.URI> url = fields.required("url", (n, c) -> ConfigLoader.uri(values, n, c));
        if (label.isEmpty() || url.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DashboardAction(label.get().trim(), url.get()));
        } catch (IllegalArgumentException e) {
            values.problems().add(mapping.at(), context + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
