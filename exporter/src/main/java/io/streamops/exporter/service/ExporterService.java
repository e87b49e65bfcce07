package io.streamops.exporter.service;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.config.ExporterConfig;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.fleet.FleetCollector;
import io.streamops.exporter.http.ExporterHttpServer;
import io.streamops.exporter.notify.DashboardLinks;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.delivery.DeliveryQueue;
import io.streamops.exporter.query.QueryCadence;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.route.AlertRouter;
import io.streamops.exporter.route.InhibitRule;
import io.streamops.exporter.route.RouterLoop;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.silence.Silence;
import io.streamops.exporter.silence.SilenceStore;
import io.streamops.exporter.streams.ExporterMetrics;
import io.streamops.exporter.streams.ExporterTopology;
import io.streamops.exporter.streams.LatestSignals;
import io.streamops.exporter.streams.RuleErrors;
import io.streamops.exporter.streams.StreamsHealth;
import io.streamops.exporter.support.DirectoryLock;
import io.streamops.exporter.support.Json;
import io.streamops.exporter.support.LogLimiter;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * One exporter instance: the Kafka Streams topology (state and rules), the router (notifications),
 * the HTTP endpoints. Run as many instances as you like with the same config: Kafka shares the
 * partitions out, and the changelog and committed offsets let one take over from another.
 */
public final class ExporterService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExporterService.class);

    private final ExporterConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RulesHolder rules;
    private final KafkaStreams streams;
    private final StreamsHealth streamsHealth;
    private final LatestSignals latestSignals = new LatestSignals();
    private final DeliveryQueue delivery;
    private final SilenceStore silences;
    private final RouterLoop router;
    private final Optional<Restarts> restarts;
    private final ExporterHttpServer http;
    private final io.streamops.exporter.web.Dashboard dashboard;
    private final DirectoryLock dataDir;

    /** @param instanceName names this process's Kafka clients (host and pid, say); it is not persisted */
    public ExporterService(ExporterConfig config, String instanceName) throws Exception {
        this.config = config;
        this.dataDir = DirectoryLock.acquire(config.dataDir(), "is in use by another exporter process; give each instance its own data_dir");
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", config.kafka().bootstrapServers());
        kafka.putAll(config.kafka().properties());
        String silencesTopic = config.kafka().alertsTopic() + "-silences";
        Topics.ensure(kafka, List.of(Topics.eventsTopic(config.kafka().eventsTopic()),
                new NewTopic(config.kafka().alertsTopic(), 6, (short) -1), SilenceStore.topicSpec(silencesTopic)));
        Topics.checkAppendTime(kafka, config.kafka().eventsTopic(), config.kafka().setLogAppendTime());

        rules = new RulesHolder(config.rulesFile(), config.receivers().keySet()).watch(2_000);
        ExporterMetrics metrics = new ExporterMetrics(registry);
        QueryEvaluation evaluation = new QueryEvaluation(config.status(), rules, new RuleErrors(metrics, new LogLimiter(LOG)));

        Properties streamsProps = streamsProperties(kafka, config.kafka().applicationId(),
                config.dataDir().resolve("streams"), config.kafka().applicationId() + "-" + instanceName);
        // A static member, so that close can take it out of the group at once (Kafka Streams never sends a
        // LeaveGroup of its own): without it the instances left waited out its session timeout (45 s)
        // before they took its partitions over, and a restarted instance waited as long for them back.
        String memberId = config.kafka().applicationId() + "-" + memberName(config.dataDir());
        streamsProps.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), memberId);
        streams = new KafkaStreams(ExporterTopology.build(config.kafka().eventsTopic(), config.kafka().alertsTopic(),
                new EventParser(config.kafka().maxEventBytes()), evaluation, metrics, QueryCadence.DEFAULT, latestSignals), streamsProps);
        streamsHealth = new StreamsHealth(memberId);
        streamsHealth.watch(streams);
        registry.getPrometheusRegistry().register(new FleetCollector(this::localSignals, latestSignals::alerts, config.metrics().partitionLag()));

        delivery = new DeliveryQueue(config.dataDir().resolve("deliveries"),
                Receivers.build(config.receivers().values()), registry);
        silences = new SilenceStore(kafka, silencesTopic);
        DashboardLinks links = config.dashboard();
        Clock clock = Clock.systemUTC();
        restarts = Restarts.start(config, kafka, rules, registry, clock);
        AlertRouter alertRouter = new AlertRouter(InhibitRule.DEFAULTS, () -> silences.current(clock.instant()),
                config.routing().groupBy(),
                config::groupWaitOf,
                dispatch -> delivery.submit(Notification.of(dispatch.receiver(), dispatch.groupKey(),
                        restarts.map(r -> r.annotate(dispatch.alerts())).orElse(dispatch.alerts()), links),
                        dispatch.origins(config.kafka().alertsTopic())),
                registry, receiver -> loneResolveIsNoOp(config.receivers().get(receiver)));
        Properties routerProps = withGroupTimeouts(kafka);
        routerProps.put("client.id", config.kafka().applicationId() + "-router-" + instanceName);
        io.streamops.exporter.web.AlertHistory alertHistory = new io.streamops.exporter.web.AlertHistory(io.streamops.exporter.web.Dashboard.ALERT_HISTORY);
        router = new RouterLoop(routerProps, config.kafka().applicationId() + "-router", config.kafka().alertsTopic(),
                alertRouter, clock, alertHistory.alongside(restarts.<RouterLoop.OwnerActions>map(r -> r).orElse(RouterLoop.OwnerActions.NONE)),
                delivery);

        http = new ExporterHttpServer(config.http().host(), config.http().port(), config.http().token(), registry::scrape,
                () -> streams.state() == KafkaStreams.State.RUNNING);
        http.health(() -> streamsHealth.problem().or(router::problem));
        http.resource("queries", query -> localSignals());
        http.resource("alerts", query -> router.firing());
        http.resource("silences", new ExporterHttpServer.Resource() {
            @Override
            public Object get(Map<String, String> query) {
                return silences.current(clock.instant());
            }

            @Override
            public Object post(String body) throws Exception {
                SilenceRequest request;
                try {
                    request = Json.MAPPER.readValue(body, SilenceRequest.class);
                    Instant now = clock.instant();
                    return silences.add(new Silence(UUID.randomUUID().toString(), request.matchers(),
                            request.startsAt() == null ? now : request.startsAt(), request.endsAt(),
                            request.createdBy() == null ? "" : request.createdBy(), request.comment() == null ? "" : request.comment()), now);
                } catch (IllegalArgumentException | NullPointerException | com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new ExporterHttpServer.ApiException(400, "invalid silence: " + e.getMessage());
                }
            }

            @Override
            public Object delete(String id) throws Exception {
                if (!silences.expire(id)) {
                    throw new ExporterHttpServer.ApiException(404, "no silence " + id);
                }
                return Map.of("expired", id);
            }
        });
        dashboard = io.streamops.exporter.web.Dashboard.serve(http, this::localSignals, router::firing, alertHistory, registry, restarts.<java.util.function.Supplier<? extends List<?>>>map(r -> r::records),
                config.dashboardActions(), config.http().token());
        restarts.ifPresent(r -> r.serve(http));
    }

    /**
     * This instance's name in the consumer group, kept in data_dir (one per instance, locked) so that a
     * restart comes back as the same member.
     */
    private static String memberName(Path dataDir) throws IOException {
        Path file = dataDir.resolve("member-id");
        if (Files.exists(file)) {
            String name = Files.readString(file).strip();
            if (!name.isEmpty()) {
                return name;
            }
        }
        String name = UUID.randomUUID().toString();
        Files.writeString(file, name + "\n");
        return name;
    }

    /** The body of POST /api/silences. */
    public record SilenceRequest(Map<String, String> matchers, Instant startsAt, Instant endsAt, String createdBy,
                                 String comment) {
    }

    /**
     * The Kafka Streams settings of the topology, on top of the user's Kafka client settings: exactly-once,
     * a commit every 100 ms (the router sees a transition only after the commit that carries it), topics
     * replicated as the broker's default says. The throughput benchmark runs the topology with these too.
     */
    /**
     * The Kafka settings with shorter group timeouts than Kafka's (45 s / 3 s) unless the user's {@code kafka:}
     * properties set them: an instance that dies without leaving its groups (SIGKILL, a lost machine) is
     * noticed after 10 s instead of 45 s, so its partitions, and the pages they hold, move after about 10 s
     * plus the rebalance and the catch-up. The price: a member that cannot heartbeat for 10 s (a long GC
     * pause, a network blip) is taken out of the group and its partitions move, and back.
     */
    static Properties withGroupTimeouts(Properties kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        p.putAll(kafka);
        return p;
    }

    public static Properties streamsProperties(Properties kafka, String applicationId, java.nio.file.Path stateDir, String clientId) {
        Properties p = withGroupTimeouts(kafka);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    public ExporterService start() {
        streams.start();
        router.start();
        LOG.info("exporter running: events from '{}', alerts to '{}', HTTP on {}:{}", config.kafka().eventsTopic(),
                config.kafka().alertsTopic(), config.http().host(), http.port());
        return this;
    }

    public int httpPort() {
        return http.port();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Signals of the queries whose partitions this instance owns, as of the last pass. */
    public List<Signals> localSignals() {
        return latestSignals.all();
    }

    public List<AlertTransition> firing() {
        return router.firing();
    }

    @Override
    public void close() throws Exception {
        dashboard.close();
        http.close();
        router.close();
        restarts.ifPresent(Restarts::close);
        // Pending notifications get their drain period while Kafka Streams leaves its group: neither waits for the other.
        Thread drain = new Thread(delivery::close, "exporter-delivery-drain");
        drain.start();
        streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(10)));
        silences.close();
        drain.join();
        rules.close();
        registry.close();
        dataDir.close();
        LOG.info("exporter stopped: offsets committed, delivery queue closed, {} released", config.dataDir());
    }

    /**
     * Whether a resolve without its firing is a no-op for this receiver by its contract: PagerDuty resolving
     * a dedup_key it does not know, and Alertmanager, drop it. An email or webhook would be a lone resolve.
     */
    private static boolean loneResolveIsNoOp(io.streamops.exporter.config.ReceiverConfig receiver) {
        return receiver != null && (receiver.channel() instanceof io.streamops.exporter.config.ReceiverConfig.PagerDuty
                || receiver.channel() instanceof io.streamops.exporter.config.ReceiverConfig.Alertmanager);
    }
}
