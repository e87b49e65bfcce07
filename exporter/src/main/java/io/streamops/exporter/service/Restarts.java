package io.streamops.exporter.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.config.ExporterConfig;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.http.ExporterHttpServer;
import io.streamops.exporter.restart.AlertmanagerRestarts;
import io.streamops.exporter.restart.Decision;
import io.streamops.exporter.restart.KafkaRestartJournal;
import io.streamops.exporter.restart.Observation;
import io.streamops.exporter.restart.ProgressFeed;
import io.streamops.exporter.restart.RestartCommands;
import io.streamops.exporter.restart.RestartController;
import io.streamops.exporter.restart.RestartInbox;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The restart controller wired into one exporter instance: observe, decide, act kept apart.
 * <ul>
 *   <li>Observe: what the router of this instance hands it for the jobs whose alerts partition it owns
 *       ({@link RouterLoop.OwnerActions#fresh}: a new FIRING transition of a rule with
 *       {@code actions: [restart]}, and the RESOLVED of such an alert: "the run is back" or, with status
 *       {@code stopped}, a clean stop); the progress and idle events of the queries of jobs whose attempt
 *       waits for them ({@link ProgressFeed}); the restarters' news (a launcher's exit); and restart requests
 *       made over HTTP at any instance, carried to the owner on the commands topic ({@link RestartCommands}).
 *       All of it waits in the {@link RestartInbox}.</li>
 *   <li>Ownership: once per router pass, on the router's thread (the one that knows which partitions this
 *       instance owns), the inbox is taken for the jobs this instance owns; news about other jobs is
 *       dropped, so an instance that lost a job in a rebalance never acts on it.</li>
 *   <li>Decide and act: on one restart thread, never the router's, because deciding writes the journal
 *       and giving up publishes a page, both waiting for the broker; the router loop stays non-blocking.
 *       One batch at a time: the router hands the next only when the last is done.</li>
 * </ul>
 * When the policy gives up, a critical RestartsExhausted FIRING transition goes to the alerts topic (keyed
 * by job, acks=all) and the router pages it like any alert.
 */
final class Restarts implements RouterLoop.OwnerActions, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Restarts.class);
    static final String EXHAUSTED = "RestartsExhausted";
    /** How often a RestartsExhausted page still firing is repeated: the shipped rules' default. */
    private static final Duration REPEAT = Duration.ofHours(4);
    /**
     * How long a command waits for its job's owner: an owner acts within a router pass, a take-over within
     * a rebalance; a command older than this is stale (the operator or Alertmanager asks again).
     */
    static final Duration COMMAND_KEPT = Duration.ofMinutes(10);

    private final RestartController controller;
    private final KafkaRestartJournal journal;
    private final KafkaProducer<String, byte[]> producer;
    private final String alertsTopic;
    private final RulesHolder rules;
    private final Set<String> allReceivers;
    private final Clock clock;
    /** Per job, the receivers of the last alert that asked for its restart: who hears that restarts are exhausted. */
    private final Map<String, List<String>> receivers = new ConcurrentHashMap<>();
    private final RestartInbox inbox = new RestartInbox();
    private final RestartCommands commands;
    private final ProgressFeed progress;
    private final ExecutorService deciding = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "streamops-restart-decide");
        thread.setDaemon(true);
        return thread;
    });
    /** Tasks handed to the restart thread and not done: the router hands a new batch only at 0. */
    private final AtomicInteger queued = new AtomicInteger();
    /** The owned jobs whose attempt waits for progress, as of the last router pass: what {@link #progress} reads. */
    private volatile Set<String> watched = Set.of();

    private Restarts(ExporterConfig config, Properties kafka, RulesHolder rules, MeterRegistry registry, Clock clock)
            throws Exception {
        this.alertsTopic = config.kafka().alertsTopic();
        this.rules = rules;
        this.allReceivers = config.receivers().keySet();
        this.clock = clock;
        String topic = config.restarts().journalTopic();
        String commandsTopic = topic + "-commands";
        Topics.ensure(kafka, List.of(KafkaRestartJournal.topic(topic, (short) -1), RestartCommands.topic(commandsTopic, (short) -1)));
        this.journal = KafkaRestartJournal.open(topic, kafka);
        this.producer = KafkaRestartJournal.durableProducer(kafka);
        this.controller = new RestartController(config.restarts(), journal, s -> RestarterSettings.create(s, System::getenv),
                new RestartMetrics(registry, clock), clock, () -> ThreadLocalRandom.current().nextDouble(-1, 1), this::givenUp,
                inbox::offer);
        this.commands = RestartCommands.start(commandsTopic, kafka, COMMAND_KEPT, clock,
                command -> inbox.offerUntilOwned(command.subject(), command.observation(), command.at().plus(COMMAND_KEPT)));
        this.progress = new ProgressFeed(kafka, config.kafka().eventsTopic(), new EventParser(config.kafka().maxEventBytes()),
                () -> watched, (job, observation) -> inbox.offer(RestartSubject.ofJob(job), observation), clock).start();
    }

    /** The controller for {@code config.restarts()}, or empty when no target is configured (nothing is restarted). */
    static Optional<Restarts> start(ExporterConfig config, Properties kafka, RulesHolder rules, MeterRegistry registry,
                                    Clock clock) throws Exception {
        return config.restarts().targets().isEmpty()
                ? Optional.empty()
                : Optional.of(new Restarts(config, kafka, rules, registry, clock));
    }

    /** The controller decides for the new partitions' jobs once the journal is read ({@link #assigned()}). */
    @Override
    public void assigned(java.util.Collection<Integer> partitions, java.util.function.ToIntFunction<String> partitionOf) {
        controller.assigned(partitions, partitionOf);
        assigned();
    }

    /** On the router's thread, before the partitions are handed over: their restart work ends first (bounded). */
    @Override
    public void revoked(java.util.Collection<Integer> partitions) {
        controller.revoked(partitions, RestartController.HAND_OVER_WAIT);
    }

    /** Reads what other instances journaled, on the restart thread, before any batch for the new jobs runs. */
    @Override
    public void assigned() {
        run(() -> {
            try {
                controller.takeOver();
            } catch (Exception e) {
                LOG.error("could not read the restart journal after taking partitions over: {}", e.getMessage());
            }
        });
    }

    /** Called for owned partitions only: the news waits for this pass's {@link #pass}. */
    @Override
    public void fresh(AlertTransition transition) {
        if (!asksForRestart(transition)) {
            return;
        }
        String job = transition.labels().getOrDefault("job", "");
        if (job.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        if (transition.phase() == AlertPhase.FIRING) {
            receivers.put(job, transition.receivers());
            Observation.AlertFired fired = TransitionSubject.fired(transition, now);
            inbox.offer(fired.subject(), fired);
        } else if (transition.phase() == AlertPhase.RESOLVED) {
            TransitionSubject told = TransitionSubject.of(transition);
            inbox.offer(told.subject(), "stopped".equals(told.queryStatus())
                    ? new Observation.QueryStopped(told.runId(), now)
                    : new Observation.ProgressMade(told.subject().queryId(), told.runId(), now));
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

    /**
     * On the router's thread, each pass: takes the inbox for the jobs this instance owns and hands it, with a
     * tick for the owned jobs time may act on, to the restart thread. Nothing here waits for I/O.
     */
    @Override
    public void pass(Predicate<String> ownsJob) {
        watched = controller.awaitingProgress().stream().filter(ownsJob).collect(Collectors.toUnmodifiableSet());
        controller.gaugesFor(ownsJob);
        if (queued.get() > 0) {
            return; // the last batch is still deciding: its news stays in the inbox for the next pass
        }
        List<RestartInbox.Item> items = inbox.take(ownsJob, clock.instant());
        Set<String> due = controller.pendingJobs().stream().filter(ownsJob).collect(Collectors.toSet());
        if (items.isEmpty() && due.isEmpty()) {
            return;
        }
        run(() -> {
            items.forEach(this::decide);
            controller.tick(due::contains);
        });
    }

    private void run(Runnable task) {
        queued.incrementAndGet();
        try {
            deciding.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("restart decision failed: {}", e.toString());
                } finally {
                    queued.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet(); // closing
        }
    }

    /** One observation; an operator's restart of a job whose policy gave up also resolves its page. */
    private void decide(RestartInbox.Item item) {
        Optional<RestartRecord> before = controller.record(item.subject().job());
        Optional<Decision> decision = controller.observe(item.subject(), item.observation());
        boolean byHand = item.observation() instanceof Observation.ManualRestart;
        if (byHand && decision.orElse(null) instanceof Decision.RestartNow && before.isPresent()
                && before.get().phase() == RestartPhase.GIVEN_UP && before.get().announced()) {
            try {
                publish(exhausted(before.get(), "", AlertPhase.RESOLVED)); // the operator took it over
            } catch (Exception e) {
                LOG.warn("could not resolve the RestartsExhausted page of job {}: {}", before.get().job(), e.toString());
            }
        }
        if (byHand && decision.isEmpty()) {
            LOG.warn("restart of job {} by hand: no restarts target covers it", item.subject().job());
        }
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

    /**
     * POST /api/jobs/{job}/restart and POST /api/alertmanager (GET /api/restarts is the dashboard's, from
     * {@link #records()}). Whichever instance receives a request hands it to the job's owner on the commands
     * topic and answers once the broker has it: a non-owner's journal may be stale, so it never decides.
     */
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
                RestartSubject subject = controller.record(job).map(RestartRecord::subject).orElse(RestartSubject.ofJob(job));
                if (!controller.covers(subject)) {
                    throw new ExporterHttpServer.ApiException(404, "no restarts target covers job " + job);
                }
                RestartCommands.Command command = RestartCommands.Command.manual(subject, clock.instant());
                commands.send(command);
                boolean attempting = controller.record(job).map(r -> r.phase() == RestartPhase.RESTARTING).orElse(false);
                return attempting
                        ? Map.of("job", job, "command", command.id(),
                                "accepted", "the instance that owns the job restarts it and resets its policy",
                                "note", RestartController.WAITS_FOR_ATTEMPT)
                        : Map.of("job", job, "command", command.id(),
                                "accepted", "the instance that owns the job restarts it and resets its policy");
            }
        });
        http.resource("alertmanager", new ExporterHttpServer.Resource() {
            @Override
            public Object get(Map<String, String> query) throws Exception {
                throw new ExporterHttpServer.ApiException(405, "POST Alertmanager webhook payloads here");
            }

            @Override
            public Object post(String body) throws Exception {
                List<AlertmanagerRestarts.Ask> asks;
                try {
                    asks = AlertmanagerRestarts.asks(Json.MAPPER.readTree(body));
                } catch (AlertmanagerRestarts.InvalidPayload | com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new ExporterHttpServer.ApiException(400, "invalid Alertmanager payload: " + e.getMessage());
                }
                List<Object> forwarded = new ArrayList<>();
                for (AlertmanagerRestarts.Ask ask : asks) {
                    RestartCommands.Command command = RestartCommands.Command.alert(ask, clock.instant());
                    commands.send(command); // a failure answers 5xx, and Alertmanager sends the payload again
                    forwarded.add(Map.of("job", ask.subject().job(), "command", command.id()));
                }
                return Map.of("asked", asks.size(), "forwarded", forwarded);
            }
        });
    }

    List<RestartRecord> records() {
        return List.copyOf(controller.records());
    }

    /** News about jobs owned elsewhere that {@link #pass} dropped: tests wait for it instead of sleeping. */
    long droppedNotOwned() {
        return inbox.dropped();
    }

    /** Whether a batch handed to the restart thread is not done yet: tests wait for it instead of sleeping. */
    boolean deciding() {
        return queued.get() > 0;
    }

    @Override
    public void close() {
        progress.close();
        commands.close();
        deciding.shutdown();
        try {
            deciding.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        controller.close();
        producer.close(Duration.ofSeconds(5));
        journal.close();
    }
}
