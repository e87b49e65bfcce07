package io.streamops.listener.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.streamops.listener.StreamOpsListener;

import java.io.InputStream;
import java.util.Set;

/** Validates messages against the JSON Schema shipped inside the listener jar. */
final class SchemaCheck {
    private static final String RESOURCE = "/io/streamops/events/streamops-event-v1.schema.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonSchema schema;

    SchemaCheck() throws Exception {
        try (InputStream in = StreamOpsListener.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not in the listener jar");
            }
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
    }

    Set<ValidationMessage> errors(String message) throws Exception {
        return schema.validate(JSON.readTree(message));
    }
}
