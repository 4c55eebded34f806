package io.mysqlha.testsupport.bench;

import io.mysqlha.events.Topic;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.servers.GroupReplicationGroup;
import io.mysqlha.testsupport.servers.MySqlNode;
import io.mysqlha.testsupport.servers.Sql;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.mysqlha.testsupport.bench.Drills.PATIENCE;
import static io.mysqlha.testsupport.bench.Drills.after;

/**
 * kill -9 of a single-primary Group Replication group's primary, through the gateway (bench/group-drill.sh): the
 * group elects the next primary itself and mysqlha follows. Each drill on a fresh 3-member group, the suite as
 * processes; one client inserts in a loop through the read/write listener while a watcher asks a surviving member
 * every 10 ms who the primary is. Prints per drill and as median/max: the group's own election (kill to a new
 * ONLINE PRIMARY in performance_schema), kill to the first write through the gateway, and the difference: what
 * mysqlha adds to the group's election. Asserts nothing.
 */
public final class GroupDrill {

    private record Result(double electionMs, double firstWriteMs, int errors, long lost, String timeline) {
    }

    private GroupDrill() {
    }

    public static void main(String[] args) throws Exception {
        int drills = Integer.getInteger("drills", 5);
        List<Result> results = new ArrayList<>();
        try (Drills rig = new Drills("group-drill")) {
            try {
                for (int i = 1; i <= drills; i++) {
                    try (GroupReplicationGroup g = GroupReplicationGroup.startForTests(rig.dir.resolve("group-" + i),
                            3, true)) {
                        Result r = drill(rig, g, "group-" + i);
                        results.add(r);
                        System.out.printf("drill %d: group's election %.0f ms, first write through the gateway %.0f ms"
                                + " (+%.0f ms), client errors %d, lost acknowledged writes %d%n    %s%n", i,
                                r.electionMs(), r.firstWriteMs(), r.firstWriteMs() - r.electionMs(), r.errors(),
                                r.lost(), r.timeline());
                    }
                }
            } catch (RuntimeException | AssertionError e) {
                rig.explain(e);
            }
        }
        if (!results.isEmpty()) {
            System.out.printf("%ngroup drills: %d; the group's election: %s; kill to first write through the gateway:"
                            + " %s; the gateway after the election: %s; client errors %d in total; lost acknowledged"
                            + " writes %d%n", results.size(),
                    Drills.medianMax(results.stream().map(Result::electionMs).toList(), "ms"),
                    Drills.medianMax(results.stream().map(Result::firstWriteMs).toList(), "ms"),
                    Drills.medianMax(results.stream().map(r -> r.firstWriteMs() - r.electionMs()).toList(), "ms"),
                    results.stream().mapToInt(Result::errors).sum(), results.stream().mapToLong(Result::lost).sum());
        }
        System.exit(0);
    }

    private static Result drill(Drills rig, GroupReplicationGroup g, String cluster) throws Exception {
        int rw = FreePorts.next();
        io.mysqlha.domain.ClusterSpec base = g.spec(cluster);
        Integer interval = Integer.getInteger("probe.interval.ms"); // PROBE_INTERVAL_MS: the spec's probe interval
        rig.define(interval == null ? base : new io.mysqlha.domain.ClusterSpec(cluster, base.kind(), base.nodes(),
                base.routing(), new io.mysqlha.domain.ProbePolicy(interval, null, null), base.listeners(),
                base.backup(), base.credentials(), base.zonePreference()), rw);
        MySqlNode primary = g.members().getFirst();
        MySqlNode survivor = g.members().get(1);
        try (EventTap tap = new EventTap(SharedInfra.kafka().bootstrapServers(), rig.topics, cluster,
                Topic.TOPOLOGY, Topic.FAILOVER)) {
            tap.await("the group's primary the writer", TopologyChanged.class, 0, c -> c.writers().size() == 1
                    && c.writers().getFirst().nodeId().equals(primary.name()), PATIENCE);
            WriteLoop client = new WriteLoop(rw, "drill");
            AtomicLong elected = new AtomicLong();
            long kill;
            Instant killedAt;
            WriteLoop.Insert first;
            String newPrimary;
            try (client; Connection watch = survivor.connect(g.users().admin())) {
                Waits.until("200 inserts", PATIENCE, () -> client.acknowledgedCount() >= 200);
                killedAt = Instant.now();
                kill = System.nanoTime();
                primary.kill();
                long killed = System.nanoTime();
                // asks the group every 10 ms (finer than Waits' 50 ms polls), within the drills' patience
                long deadline = killed + PATIENCE.toNanos();
                String found = null;
                while (found == null) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the group elected no primary within " + PATIENCE.toSeconds() + " s");
                    }
                    String p = Sql.value(watch, "SELECT MEMBER_PORT FROM performance_schema.replication_group_members"
                            + " WHERE MEMBER_ROLE = 'PRIMARY' AND MEMBER_STATE = 'ONLINE'").orElse(null);
                    if (p != null && !p.equals(Integer.toString(primary.port()))) {
                        elected.set(System.nanoTime());
                        found = g.members().stream().filter(m -> Integer.toString(m.port()).equals(p)).findFirst()
                                .orElseThrow().name();
                    } else {
                        Thread.sleep(10);
                    }
                }
                newPrimary = found;
                Waits.until("200 inserts after the kill", PATIENCE, () -> client.acknowledgedSince(killed) >= 200);
                first = client.firstAcknowledgedSince(killed);
            }
            MySqlNode now = g.members().stream().filter(m -> m.name().equals(newPrimary)).findFirst().orElseThrow();
            long lost = client.missingOn(now, g.users().admin());
            String timeline = "elected " + newPrimary + " at +" + (elected.get() - kill) / 1_000_000 + " ms, topology "
                    + after(killedAt, tap, TopologyChanged.class, c -> c.writers().size() == 1
                    && c.writers().getFirst().nodeId().equals(newPrimary))
                    + ", gateway's first write " + String.format("+%.0f ms", (first.ended() - kill) / 1e6);
            return new Result((elected.get() - kill) / 1e6, (first.ended() - kill) / 1e6, client.errors(), lost,
                    timeline);
        }
    }
}
