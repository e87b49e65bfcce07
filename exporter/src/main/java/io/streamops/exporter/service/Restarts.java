package io.streamops.exporter.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.config.ExporterConfig;
import io.streamops.exporter.http.ExporterHttpServer;
import io.streamops.exporter.restart.AlertmanagerRestarts;
import io.streamops.exporter.restart.Decision;
import io.streamops.exporter.restart.KafkaRestartJournal;
import io.streamops.exporter.restart.RestartController;
import io.streamops.exporter.restart.RestartMetrics;
import io.streamops.exporter.restart.RestartPhase;
import io.streamops.exporter.restart.RestartRecord;
import io.streamops.exporter.restart.RestartSubject;
import io.streamops.exporter.restart.RestartTarget;
import io.streamops.exporter.restart.RestarterSettings;
import io.streamops.exporter.restart.TransitionSubject;
import io.streamops.exporter.route.RouterLoop;
import io.streamops.exporter.rules.Rule;
import io.streamops.exporter.support.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The restart controller wired into one exporter instance. The router of the instance that owns a job's
 * alerts partition tells it what happens ({@link RouterLoop.OwnerActions}):
 * <ul>
 *   <li>a new FIRING transition of a rule with {@code actions: [restart]} asks for a restart;</li>
 *   <li>the RESOLVED transition of such an alert is how the query processor's side reaches the owner: a
 *       failed or lost query's alert resolves when a run of the query reports again, so it says "the
 *       restarted run is back" (progress, with the run id from its signal snapshot), or, when its status
 *       is {@code stopped}, that the query stopped cleanly. The alerts topic is keyed by job, so these
 *       reach exactly the instance that owns the job, in order with its firings; no second topic;</li>
 *   <li>each loop pass lets time act for the jobs it owns.</li>
 * </ul>
 * When the policy gives up, a critical RestartsExhausted FIRING transition goes to the alerts topic (keyed
 * by job, acks=all) and the router pages it like any alert.
 */
final class Restarts implements RouterLoop.OwnerActions, AutoCloseable {
    static final String EXHAUSTED = "RestartsExhausted";
    /** How often a RestartsExhausted page still firing is repeated: the shipped rules' default. */
    private static final java.time.Duration REPEAT = java.time.Duration.ofHours(4);

    private final RestartController controller;
    private final KafkaRestartJournal journal;
    private final KafkaProducer<String, byte[]> producer;
    private final String alertsTopic;
    private final RulesHolder rules;
    private final Set<String> allReceivers;
    private final Clock clock;
    /** Per job, the receivers of the last alert that asked for its restart: who hears that restarts are exhausted. */
    private final Map<String, List<String>> receivers = new ConcurrentHashMap<>();

    private Restarts(ExporterConfig config, Properties kafka, RulesHolder rules, MeterRegistry registry, Clock clock)
            throws Exception {
        this.alertsTopic = config.kafka().alertsTopic();
        this.rules = rules;
        this.allReceivers = config.receivers().keySet();
        this.clock = clock;
        String topic = config.restarts().journalTopic();
        Topics.ensure(kafka, List.of(KafkaRestartJournal.topic(topic, (short) -1)));
        this.journal = KafkaRestartJournal.open(topic, kafka);
        this.producer = KafkaRestartJournal.durableProducer(kafka);
        this.controller = new RestartController(config.restarts(), journal, s -> RestarterSettings.create(s, System::getenv),
                new RestartMetrics(registry, clock), clock, () -> ThreadLocalRandom.current().nextDouble(-1, 1), this::givenUp);
    }

    /** The controller for {@code config.restarts()}, or empty when no target is configured (nothing is restarted). */
    static Optional<Restarts> start(ExporterConfig config, Properties kafka, RulesHolder rules, MeterRegistry registry,
                                    Clock clock) throws Exception {
        return config.restarts().targets().isEmpty()
                ? Optional.empty()
                : Optional.of(new Restarts(config, kafka, rules, registry, clock));
    }

    @Override
    public void assigned() {
        try {
            controller.takeOver();
        } catch (Exception e) {
            throw new IllegalStateException("could not read the restart journal: " + e.getMessage(), e);
        }
    }

    @Override
    public void fresh(AlertTransition transition) {
        if (!asksForRestart(transition)) {
            return;
        }
        String job = transition.labels().getOrDefault("job", "");
        if (transition.phase() == AlertPhase.FIRING) {
            receivers.put(job, transition.receivers());
            controller.alertFired(transition);
        } else if (transition.phase() == AlertPhase.RESOLVED && !job.isEmpty()) {
            TransitionSubject told = TransitionSubject.of(transition);
            if ("stopped".equals(told.queryStatus())) {
                controller.stopped(job);
            } else {
                controller.progress(job, told.runId());
            }
        }
    }

    /**
     * Whether the transition's rule asks for a restart, as the rules are now. A transition does not carry
     * its rule's actions, so a reload between a firing and its handling decides by the new rules.
     */
    private boolean asksForRestart(AlertTransition transition) {
        return !transition.rule().equals(EXHAUSTED)
                && rules.get().rules().rule(transition.rule()).map(Rule::restarts).orElse(false);
    }

    @Override
    public void pass(Predicate<String> ownsJob) {
        controller.tick(ownsJob);
    }

    /**
     * The alerts with a {@code restart} annotation where their job's restart has something to say ("restarting,
     * attempt 2 of 5, next in 40 s", "restarts exhausted ..."): every channel shows annotations.
     */
    List<AlertTransition> annotate(List<AlertTransition> alerts) {
        List<AlertTransition> out = new ArrayList<>(alerts.size());
        for (AlertTransition a : alerts) {
            Optional<String> line = controller.statusLine(a.labels().getOrDefault("job", ""));
            if (line.isEmpty()) {
                out.add(a);
                continue;
            }
            Map<String, String> annotations = new java.util.HashMap<>(a.annotations());
            annotations.put("restart", line.get());
            out.add(new AlertTransition(a.fingerprint(), a.rule(), a.phase(), a.severity(), a.labels(), annotations,
                    a.signals(), a.receivers(), a.repeatInterval(), a.sendResolved(), a.startsAt(), a.endsAt(), a.at()));
        }
        return out;
    }

    /** Publishes the RestartsExhausted page and returns once the broker has it. */
    private void givenUp(RestartRecord record, RestartTarget target) throws Exception {
        publish(exhausted(record, target.name(), AlertPhase.FIRING));
    }

    /**
     * The RestartsExhausted alert of the record's give-up: FIRING when the policy gives up, RESOLVED when an
     * operator restarts the job by hand. Its fingerprint names the attempt it gave up at, so another
     * instance repeating the page is the same incident, and the next give-up a new one.
     */
    private AlertTransition exhausted(RestartRecord record, String target, AlertPhase phase) {
        String job = record.job();
        Map<String, String> labels = Map.of("alertname", EXHAUSTED, "severity", "critical", "job", job);
        Map<String, String> annotations = Map.of(
                "summary", "Restarts of job " + job + " exhausted; it stays down until restarted by hand",
                "description", "The restart policy" + (target.isEmpty() ? "" : " of target " + target) + " gave up on job "
                        + job + ": " + record.reason() + ". POST /api/jobs/" + job + "/restart restarts it and resets the policy.");
        List<String> to = receivers.getOrDefault(job, List.copyOf(allReceivers));
        return new AlertTransition(EXHAUSTED + "/" + job + "#" + record.sequence(), EXHAUSTED, phase, "critical", labels,
                annotations, Map.of("status", "given_up"), to, REPEAT, true, record.since(),
                phase == AlertPhase.RESOLVED ? clock.instant() : null, clock.instant());
    }

    private void publish(AlertTransition transition) throws Exception {
        producer.send(new ProducerRecord<>(alertsTopic, transition.labels().get("job"), Json.MAPPER.writeValueAsBytes(transition)))
                .get(30, TimeUnit.SECONDS);
    }

    /** POST /api/jobs/{job}/restart and POST /api/alertmanager (GET /api/restarts is the dashboard's, from {@link #records()}). */
    void serve(ExporterHttpServer http) {
        http.resource("jobs", new ExporterHttpServer.Resource() {
            @Override
            public Object get(Map<String, String> query) {
                return controller.records().stream().map(RestartRecord::job).sorted().toList();
            }

            @Override
            public Object post(String path, String body) throws Exception {
                String[] parts = path.split("/");
                if (parts.length != 2 || !parts[1].equals("restart") || parts[0].isEmpty()) {
                    throw new ExporterHttpServer.ApiException(404, "POST /api/jobs/{job}/restart restarts a job");
                }
                String job = parts[0]; // the server decoded the path
                Optional<RestartRecord> before = controller.record(job);
                RestartSubject subject = before.map(RestartRecord::subject).orElse(RestartSubject.ofJob(job));
                Optional<Decision> decision = controller.restartByHand(subject);
                if (decision.isEmpty()) {
                    throw new ExporterHttpServer.ApiException(404, "no restarts target covers job " + job);
                }
                if (before.isPresent() && before.get().phase() == RestartPhase.GIVEN_UP && before.get().announced()) {
                    publish(exhausted(before.get(), "", AlertPhase.RESOLVED)); // the operator took it over
                }
                return decision.get().record();
            }
        });
        http.resource("alertmanager", new ExporterHttpServer.Resource() {
            @Override
            public Object get(Map<String, String> query) throws Exception {
                throw new ExporterHttpServer.ApiException(405, "POST Alertmanager webhook payloads here");
            }

            @Override
            public Object post(String body) throws Exception {
                JsonNode payload;
                List<AlertmanagerRestarts.Ask> asks;
                try {
                    payload = Json.MAPPER.readTree(body);
                    asks = AlertmanagerRestarts.asks(payload);
                } catch (AlertmanagerRestarts.InvalidPayload | com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new ExporterHttpServer.ApiException(400, "invalid Alertmanager payload: " + e.getMessage());
                }
                List<Object> decisions = new ArrayList<>();
                for (AlertmanagerRestarts.Ask ask : asks) {
                    controller.alertFired(ask.subject(), ask.alertname(), ask.queryStatus(), ask.runId())
                            .ifPresent(d -> decisions.add(Map.of("job", ask.subject().job(), "decision",
                                    d.getClass().getSimpleName(), "phase", d.record().phase())));
                }
                return Map.of("asked", asks.size(), "decisions", decisions);
            }
        });
    }

    List<RestartRecord> records() {
        return List.copyOf(controller.records());
    }

    @Override
    public void close() {
        controller.close();
        producer.close(java.time.Duration.ofSeconds(5));
        journal.close();
    }
}
