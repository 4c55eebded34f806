package io.mysqlha.probe.io;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.probe.core.ProbeCadence;
import io.mysqlha.probe.core.ProbeTarget;
import io.mysqlha.service.DbCredentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Probes every node of one cluster, each on its own timer: one slow or hung node never delays another. The
 * timers start spread over one interval so a large fleet does not probe in bursts. Each node's next probe is
 * scheduled by {@link ProbeCadence}: a Group Replication group electing a primary has its answering members
 * probed faster until one is seen.
 */
public final class ClusterProber {
    private static final Logger LOG = Logger.getLogger(ClusterProber.class);

    private final Vertx vertx;
    private final ClusterSpec spec;
    private final Consumer<NodeHealthObserved> sink;
    private final List<NodeProber> nodes = new ArrayList<>();
    private final Map<NodeProber, Long> timers = new HashMap<>();
    private final Map<String, NodeHealthObserved> latest = new ConcurrentHashMap<>();
    private final ProbeCadence cadence;
    private final Clock clock;
    private Instant leaderlessSince;
    private boolean stopped;

    /**
     * @param credentials       the monitor user, or null when they could not be resolved
     * @param tls               the cluster's TLS towards its nodes
     * @param credentialProblem why they could not (reported in every observation instead of probing)
     */
    public ClusterProber(Vertx vertx, ClusterSpec spec, ProbeSettings settings, DbCredentials credentials,
                         io.mysqlha.service.sql.NodeTlsSettings tls, String credentialProblem, Clock clock, EventSource source, Consumer<NodeHealthObserved> sink) {
        this.vertx = vertx;
        this.spec = spec;
        this.sink = sink;
        this.clock = clock;
        HeartbeatBook heartbeats = new HeartbeatBook();
        for (NodeSpec node : spec.nodes()) {
            nodes.add(new NodeProber(vertx, new ProbeTarget(spec.clusterId(), node), settings, credentials, tls,
                    credentialProblem, heartbeats, this::nodeAt, clock, source));
        }
        this.cadence = new ProbeCadence(spec.kind(), settings.intervalMs(), settings.fastIntervalMs(),
                ProbeCadence.HURRY_LIMIT);
    }

    public String clusterId() {
        return spec.clusterId();
    }

    public ClusterSpec spec() {
        return spec;
    }

    public void start() {
        synchronized (timers) {
            for (int i = 0; i < nodes.size(); i++) {
                schedule(nodes.get(i), 1 + (long) i * cadence.intervalMs() / nodes.size());
            }
        }
    }

    /** Under the timers' lock. */
    private void schedule(NodeProber node, long delayMs) {
        if (stopped) {
            return;
        }
        Long pending = timers.put(node, vertx.setTimer(Math.max(1, delayMs), id -> {
            synchronized (timers) {
                if (!Long.valueOf(id).equals(timers.get(node))) {
                    return; // rescheduled meanwhile
                }
                schedule(node, cadence.nextDelayMs(latest.get(node.target().node().id()), leaderlessSince,
                        clock.instant()));
            }
            cycle(node);
        }));
        if (pending != null) {
            vertx.cancelTimer(pending);
        }
    }

    private void cycle(NodeProber node) {
        if (stopped) {
            return;
        }
        Future<NodeHealthObserved> probe = node.probe();
        if (probe != null) {
            probe.onSuccess(observation -> {
                latest.put(observation.nodeId(), observation);
                followElection();
                sink.accept(observation);
            });
        }
    }

    /** Starts or ends the hurry of a group electing a primary; on its start, the answering members are probed now. */
    private void followElection() {
        synchronized (timers) {
            boolean leaderless = cadence.leaderless(nodes.size(), latest.values());
            Instant now = clock.instant();
            if (leaderless && leaderlessSince == null) {
                leaderlessSince = now;
                LOG.infof("cluster %s: the group shows no primary the probe can reach; its members that answer are"
                        + " probed every %d ms until it has one (at most %d s)", spec.clusterId(),
                        cadence.fastIntervalMs(), cadence.hurryLimit().toSeconds());
                for (NodeProber n : nodes) {
                    NodeHealthObserved last = latest.get(n.target().node().id());
                    if (last != null && last.reachable()) {
                        schedule(n, cadence.fastIntervalMs());
                    }
                }
            } else if (!leaderless && leaderlessSince != null) {
                LOG.infof("cluster %s: the group has a primary again, %d ms after it was first seen without one",
                        spec.clusterId(), Duration.between(leaderlessSince, now).toMillis());
                leaderlessSince = null;
            }
        }
    }

    /** True once every node has been observed at least once. */
    public boolean firstCycleDone() {
        return latest.size() >= nodes.size();
    }

    public void stop() {
        synchronized (timers) {
            stopped = true;
            timers.values().forEach(vertx::cancelTimer);
            timers.clear();
        }
        nodes.forEach(n -> vertx.runOnContext(v -> n.close()));
    }

    /** The spec's node at a replication source address, for heartbeat rows keyed by node id. */
    private Optional<String> nodeAt(String host, Integer port) {
        return spec.nodes().stream().filter(n -> n.host().equals(host) && n.port().equals(port))
                .map(NodeSpec::id).findFirst();
    }
}
