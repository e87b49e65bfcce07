package io.streamops.exporter.notify.http;

import io.streamops.exporter.support.Secret;
import java.net.URI;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Removes an endpoint's secret parts (token, URL path and query) from text bound for logs. */
final class HttpRedaction {
    private HttpRedaction() {
    }

    static UnaryOperator<String> of(URI url, Optional<Secret> token) {
        String fullUrl = url.toString();
        String pathAndQuery = fullUrl.substring(JsonHttpSender.origin(url).length());
        return text -> {
            String redacted = text.replace(fullUrl, JsonHttpSender.origin(url) + "/***");
            if (pathAndQuery.length() > 1) {
                redacted = redacted.replace(pathAndQuery, "/***");
            }
            return token.isPresent() ? token.get().redactFrom(redacted) : redacted;
        };
    }
}
