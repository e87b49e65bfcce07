package io.streamops.exporter.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one YAML document into a {@link YamlNode} tree with positions. Jackson's YAML parser does the
 * parsing; this only records where each token was. A document that is not valid YAML, repeats a key, or
 * uses aliases is rejected with its position.
 */
public final class YamlTreeReader {

    /** A document that cannot be read: one problem, with where it is. */
    public static final class UnreadableYaml extends Exception {
        private final transient Problem problem;

        UnreadableYaml(Problem problem) {
            super(problem.toString());
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    private static final YAMLFactory YAML = new YAMLFactory();

    private final String file;

    private YamlTreeReader(String file) {
        this.file = file;
    }

    /** The document's root node, or empty for an empty document. */
    public static Optional<YamlNode> read(String file, String text) throws UnreadableYaml {
        return new YamlTreeReader(file).readDocument(text);
    }

    private Optional<YamlNode> readDocument(String text) throws UnreadableYaml {
        try (JsonParser parser = YAML.createParser(text)) {
            if (parser.nextToken() == null) {
                return Optional.empty();
            }
            YamlNode root = readValue(parser);
            if (parser.nextToken() != null) {
                throw new UnreadableYaml(new Problem(here(parser), "only one YAML document is allowed ('---' starts a second)"));
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            throw new UnreadableYaml(syntaxProblem(e));
        } catch (IOException e) {
            // Parsing a String does no I/O; kept for completeness.
            throw new UnreadableYaml(new Problem(SourcePosition.ofFile(file), "cannot read: " + e.getMessage()));
        }
    }

    /** Reads the value whose first token is the current one; leaves the parser on its last token. */
    private YamlNode readValue(JsonParser parser) throws IOException, UnreadableYaml {
        SourcePosition at = here(parser);
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            throw new UnreadableYaml(new Problem(at, "YAML aliases (*name) are not supported here"));
        }
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> readMapping(parser, at);
            case START_ARRAY -> readSequence(parser, at);
            case VALUE_STRING -> new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.STRING);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.NUMBER);
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.BOOLEAN);
            case VALUE_NULL -> new YamlNode.Scalar(at, "", YamlNode.ScalarType.NULL);
            default -> new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.STRING);
        };
    }

    private YamlNode readMapping(JsonParser parser, SourcePosition at) throws IOException, UnreadableYaml {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            SourcePosition keyAt = here(parser);
            parser.nextToken();
            YamlNode value = readValue(parser);
            if (entries.putIfAbsent(key, new YamlNode.Entry(key, keyAt, value)) != null) {
                throw new UnreadableYaml(new Problem(keyAt,
                        "duplicate key '" + key + "' (first at line " + entries.get(key).keyAt().line() + ")"));
            }
        }
        return new YamlNode.Mapping(at, entries);
    }

    private YamlNode readSequence(JsonParser parser, SourcePosition at) throws IOException, UnreadableYaml {
        List<YamlNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(parser));
        }
        return new YamlNode.Sequence(at, items);
    }

    private SourcePosition here(JsonParser parser) {
        JsonLocation location = parser.currentTokenLocation();
        return new SourcePosition(file, location.getLineNr(), location.getColumnNr());
    }

    /** SnakeYAML knows the exact problem and where it is; Jackson's message repeats it with a snippet. */
    private Problem syntaxProblem(JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked && marked.getProblemMark() != null) {
                var mark = marked.getProblemMark();
                String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
                return new Problem(new SourcePosition(file, mark.getLine() + 1, mark.getColumn() + 1),
                        "invalid YAML: " + context + marked.getProblem());
            }
        }
        JsonLocation location = e.getLocation();
        SourcePosition at = location == null
                ? SourcePosition.ofFile(file)
                : new SourcePosition(file, location.getLineNr(), location.getColumnNr());
        return new Problem(at, "invalid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
}
