package io.streamops.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Kubernetes API server, over TLS, for the {@code SparkApplication} custom resources
 * of the kubeflow Spark operator ({@code sparkoperator.k8s.io/v1beta2}) and of the Apache Spark
 * Kubernetes operator ({@code spark.apache.org/v1}):
 * {@code GET|DELETE /apis/{group}/{version}/namespaces/{ns}/sparkapplications/{name}} and
 * {@code POST /apis/{group}/{version}/namespaces/{ns}/sparkapplications}. It enforces what the API server
 * does: a bearer token (else 401), a body whose apiVersion, kind and namespace match the path, with a
 * name and no resourceVersion (else 400), no second object of a name (409 AlreadyExists), errors as
 * {@code Status} objects with {@code reason} and {@code code}. A delete is graceful, as the garbage
 * collector makes it for an application's dependents (its driver pod and services): with
 * {@code propagationPolicy=Foreground} the object keeps a {@code deletionTimestamp} for a few reads, while
 * the dependents go, and then is gone; with the default (Background) it is gone at once but its driver
 * pod lingers as long, and an application of the same name created meanwhile cannot create its driver
 * pod: it goes to SUBMISSION_FAILED (the operator's state) and is recorded as a violation. A created
 * object gets a uid, a resourceVersion and the operator's first state (SUBMITTED).
 */
public final class KubernetesContractServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> API_VERSIONS = Set.of("sparkoperator.k8s.io/v1beta2", "spark.apache.org/v1");
    private static final Pattern PATH = Pattern.compile("/apis/([^/]+/[^/]+)/namespaces/([^/]+)/sparkapplications(?:/([^/?]+))?(?:\\?.*)?");
    private static final int READS_WHILE_DELETING = 3;

    /** One request as received, for assertions. */
    public record Request(String method, String path, String authorization, String body) {
    }

    /** Per application deleted in the background: requests left until its driver pod is gone. */
    private final Map<String, Integer> lingeringDrivers = new LinkedHashMap<>();
    private final String token;
    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final Map<String, ObjectNode> objects = new LinkedHashMap<>(); // key apiVersion/ns/name; guarded by this
    private final Map<String, Integer> deleting = new LinkedHashMap<>(); // reads left; guarded by this
    private final List<Request> requests = new ArrayList<>(); // guarded by this
    private final List<String> violations = new ArrayList<>(); // guarded by this
    private final Deque<Integer> faults = new ArrayDeque<>(); // guarded by this
    private int created;

    /**
     * @param keyStore a PKCS12 key store for 127.0.0.1 (its certificate is the "cluster CA" clients trust)
     * @param token    the service-account token requests must carry
     */
    public KubernetesContractServer(Path keyStore, char[] password, String token) {
        this.token = token;
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot start the Kubernetes contract server", e);
        }
        server.createContext("/", this::exchange);
        server.setExecutor(executor);
        server.start();
    }

    public URI url() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Puts an application in place as if applied by kubectl; {@code state} is its status.applicationState.state. */
    public synchronized void apply(String json, String state) {
        try {
            ObjectNode object = (ObjectNode) JSON.readTree(json);
            stamp(object, state);
            objects.put(key(object.path("apiVersion").asText(), object.path("metadata").path("namespace").asText(),
                    object.path("metadata").path("name").asText()), object);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public synchronized JsonNode get(String apiVersion, String namespace, String name) {
        return objects.get(key(apiVersion, namespace, name));
    }

    /** How many objects clients have created. */
    public synchronized int created() {
        return created;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** The next requests are answered with these statuses (429, 500, 503 ...), one each. */
    public synchronized void failNext(int... statuses) {
        for (int status : statuses) {
            faults.add(status);
        }
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String[] answer = answer(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** {status, body}. */
    private synchronized String[] answer(Request request) {
        requests.add(request);
        Integer fault = faults.poll();
        if (fault != null) {
            return status(fault, fault == 429 ? "TooManyRequests" : "InternalError", "injected failure");
        }
        if (!("Bearer " + token).equals(request.authorization())) {
            return status(401, "Unauthorized", "Unauthorized");
        }
        lingeringDrivers.replaceAll((key, left) -> left - 1);
        lingeringDrivers.values().removeIf(left -> left <= 0);
        Matcher m = PATH.matcher(request.path());
        if (!m.matches() || !API_VERSIONS.contains(m.group(1))) {
            return status(404, "NotFound", "the server could not find the requested resource");
        }
        String apiVersion = m.group(1);
        String namespace = m.group(2);
        String name = m.group(3);
        String method = request.method();
        if (name != null && method.equals("GET")) {
            String key = key(apiVersion, namespace, name);
            ObjectNode object = objects.get(key);
            if (object == null) {
                return notFound(name);
            }
            Integer left = deleting.get(key);
            if (left != null) {
                if (left <= 1) {
                    deleting.remove(key);
                    objects.remove(key);
                } else {
                    deleting.put(key, left - 1);
                }
            }
            return new String[] {"200", object.toString()};
        }
        if (name != null && method.equals("DELETE")) {
            String key = key(apiVersion, namespace, name);
            ObjectNode object = objects.get(key);
            if (object == null) {
                return notFound(name);
            }
            if (!request.path().contains("propagationPolicy=Foreground")
                    && !request.body().contains("\"Foreground\"")) {
                objects.remove(key); // Background: gone now, its driver pod still terminating
                deleting.remove(key);
                lingeringDrivers.put(key, READS_WHILE_DELETING);
                return new String[] {"200", object.toString()};
            }
            ((ObjectNode) object.path("metadata")).put("deletionTimestamp", "2026-12-03T10:00:00Z");
            deleting.putIfAbsent(key, READS_WHILE_DELETING);
            return new String[] {"200", object.toString()};
        }
        if (name == null && method.equals("POST")) {
            return create(apiVersion, namespace, request.body());
        }
        return status(405, "MethodNotAllowed", method + " is not supported here");
    }

    private String[] create(String apiVersion, String namespace, String body) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (IOException e) {
            return invalid("the body is not JSON");
        }
        if (!(parsed instanceof ObjectNode object)) {
            return invalid("the body must be an object");
        }
        if (!object.path("apiVersion").asText("").equals(apiVersion) || !object.path("kind").asText("").equals("SparkApplication")) {
            return invalid("the body's apiVersion and kind must be " + apiVersion + " SparkApplication");
        }
        JsonNode metadata = object.path("metadata");
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            return invalid("metadata.name: Required value");
        }
        if (metadata.has("namespace") && !metadata.path("namespace").asText().equals(namespace)) {
            return invalid("the namespace of the provided object does not match the namespace sent on the request");
        }
        if (metadata.has("resourceVersion") || metadata.has("uid")) {
            return invalid("resourceVersion and uid may not be set on objects to be created");
        }
        if (!object.path("spec").isObject()) {
            return invalid("spec: Required value");
        }
        String key = key(apiVersion, namespace, name);
        if (objects.containsKey(key)) {
            return status(409, "AlreadyExists", "sparkapplications \"" + name + "\" already exists");
        }
        ((ObjectNode) metadata).put("namespace", namespace);
        object.remove("status");
        boolean driverInTheWay = lingeringDrivers.containsKey(key);
        if (driverInTheWay) {
            violations.add("SparkApplication " + namespace + "/" + name + " created while the driver pod of the one deleted "
                    + "before was still terminating (delete with propagationPolicy=Foreground and wait until it is gone)");
        }
        stamp(object, driverInTheWay ? "SUBMISSION_FAILED" : "SUBMITTED");
        objects.put(key, object);
        created++;
        return new String[] {"201", object.toString()};
    }

    private static void stamp(ObjectNode object, String state) {
        ObjectNode metadata = (ObjectNode) object.path("metadata");
        metadata.put("uid", UUID.randomUUID().toString()).put("resourceVersion", "1").put("creationTimestamp", "2026-12-03T10:00:00Z");
        object.putObject("status").putObject("applicationState").put("state", state);
    }

    private String[] invalid(String message) {
        violations.add(message);
        return status(400, "BadRequest", message);
    }

    private static String[] notFound(String name) {
        return status(404, "NotFound", "sparkapplications \"" + name + "\" not found");
    }

    private static String[] status(int code, String reason, String message) {
        return new String[] {String.valueOf(code), JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
                .put("status", "Failure").put("message", message).put("reason", reason).put("code", code).toString()};
    }

    private static String key(String apiVersion, String namespace, String name) {
        return apiVersion + "/" + namespace + "/" + name;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
