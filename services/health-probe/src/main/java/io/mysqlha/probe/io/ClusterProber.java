package io.mysqlha.probe.io;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.probe.core.ProbeTarget;
import io.mysqlha.service.DbCredentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Probes every node of one cluster, each on its own timer: one slow or hung node never delays another. The
 * timers start spread over one interval so a large fleet does not probe in bursts.
 */
public final class ClusterProber {
    private final Vertx vertx;
    private final ClusterSpec spec;
    private final Consumer<NodeHealthObserved> sink;
    private final List<NodeProber> nodes = new ArrayList<>();
    private final List<Long> timers = new ArrayList<>();
    private final Set<String> observed = ConcurrentHashMap.newKeySet();
    private final int interval;
    private volatile boolean stopped;

    /**
     * @param credentials       the monitor user, or null when they could not be resolved
     * @param credentialProblem why they could not (reported in every observation instead of probing)
     */
    public ClusterProber(Vertx vertx, ClusterSpec spec, ProbeSettings settings, DbCredentials credentials,
                         String credentialProblem, Clock clock, EventSource source, Consumer<NodeHealthObserved> sink) {
        this.vertx = vertx;
        this.spec = spec;
        this.sink = sink;
        HeartbeatBook heartbeats = new HeartbeatBook();
        for (NodeSpec node : spec.nodes()) {
            nodes.add(new NodeProber(vertx, new ProbeTarget(spec.clusterId(), node), settings, credentials,
                    credentialProblem, heartbeats, this::nodeAt, clock, source));
        }
        this.interval = settings.intervalMs();
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
                NodeProber node = nodes.get(i);
                long offset = 1 + (long) i * interval / nodes.size();
                timers.add(vertx.setTimer(offset, first -> {
                    synchronized (timers) {
                        // stop() may run on another thread while this first timer fires: never start a
                        // periodic timer that stop() has no chance to cancel
                        if (stopped) {
                            return;
                        }
                        timers.add(vertx.setPeriodic(interval, tick -> cycle(node)));
                    }
                    cycle(node);
                }));
            }
        }
    }

    private void cycle(NodeProber node) {
        if (stopped) {
            return;
        }
        Future<NodeHealthObserved> probe = node.probe();
        if (probe != null) {
            probe.onSuccess(observation -> {
                observed.add(observation.nodeId());
                sink.accept(observation);
            });
        }
    }

    /** True once every node has been observed at least once. */
    public boolean firstCycleDone() {
        return observed.size() >= nodes.size();
    }

    public void stop() {
        synchronized (timers) {
            stopped = true;
            timers.forEach(vertx::cancelTimer);
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
