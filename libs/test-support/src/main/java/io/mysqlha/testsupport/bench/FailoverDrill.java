package io.mysqlha.testsupport.bench;

import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.FailoverStepCompleted;
import io.mysqlha.events.FailureAnalyzed;
import io.mysqlha.events.Topic;
import io.mysqlha.events.TopologyChanged;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.servers.ServerNode;
import io.mysqlha.testsupport.servers.GtidTopology;
import io.mysqlha.testsupport.servers.Sql;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.mysqlha.testsupport.bench.Drills.PATIENCE;
import static io.mysqlha.testsupport.bench.Drills.after;

/**
 * Repeated kill -9 drills through the gateway: the whole suite as processes (probe, topology, failover, gateway) on
 * its own broker and semi-sync topology; one client inserts in a loop through the read/write listener. Per drill:
 * kill to the first write that began after the kill and succeeded, client errors, acknowledged writes missing on
 * the new primary, and the event timeline read back from Kafka. Then the old primary is restarted and rejoins
 * before the next drill. Prints figures; asserts nothing.
 */
public final class FailoverDrill {

    private record Result(double killToWriteMs, int errors, long lost, String timeline, String oldPrimaryBack) {
    }

    private FailoverDrill() {
    }

    public static void main(String[] args) throws Exception {
        int drills = Integer.getInteger("drills", 5);
        List<Result> results = new ArrayList<>();
        try (Drills rig = new Drills("drill")) {
            run(rig, drills, results);
        }
        if (!results.isEmpty()) {
            System.out.printf("%nfailover drills: %d, kill to first write through the gateway: %s; client errors %d in"
                    + " total; lost acknowledged writes %d%n", results.size(),
                    Drills.medianMax(results.stream().map(Result::killToWriteMs).toList(), "ms"),
                    results.stream().mapToInt(Result::errors).sum(), results.stream().mapToLong(Result::lost).sum());
        }
        System.exit(0);
    }

    private static void run(Drills rig, int drills, List<Result> results) throws Exception {
        try {
            // each drill on a fresh cluster: an old primary killed mid-commit may hold a transaction nobody has, and
            // then (rightly) stays out, which would leave the next drill a node short
            for (int i = 1; i <= drills; i++) {
                try (GtidTopology t = Drills.servers(rig.dir.resolve("db-" + i))) {
                    String cluster = "drill-" + i;
                    int rw = FreePorts.next();
                    rig.define(t, cluster, rw);
                    try (EventTap tap = new EventTap(SharedInfra.kafka().bootstrapServers(), rig.topics, cluster,
                            Topic.TOPOLOGY, Topic.FAILOVER)) {
                        Waits.until("writes through the gateway", PATIENCE, () -> {
                            try (Connection c = WriteLoop.client(rw)) {
                                Sql.execute(c, "SELECT 1");
                                return true;
                            }
                        });
                        Result r = drill(t, tap, rw);
                        results.add(r);
                        System.out.printf("drill %d: kill to first write %.0f ms, client errors %d, lost acknowledged"
                                + " writes %d, old primary back: %s%n    %s%n", i, r.killToWriteMs(), r.errors(),
                                r.lost(), r.oldPrimaryBack(), r.timeline());
                    }
                }
            }
        } catch (RuntimeException | AssertionError e) {
            rig.explain(e);
        }
    }

    private static Result drill(GtidTopology t, EventTap tap, int rw) throws Exception {
        ServerNode primary = Drills.writer(t, tap);
        int completedBefore = tap.all(FailoverCompleted.class).size();
        WriteLoop client = new WriteLoop(rw, "drill");
        long lost;
        WriteLoop.Insert first;
        Instant killedAt;
        long kill;
        FailoverCompleted done;
        try (client) {
            Waits.until("200 inserts", PATIENCE, () -> client.acknowledgedCount() >= 200);
            killedAt = Instant.now();
            kill = System.nanoTime();
            primary.kill(); // returns once the process is gone: no write begun after this can reach it
            long killed = System.nanoTime();
            Waits.until("200 inserts after the kill", PATIENCE, () -> client.acknowledgedSince(killed) >= 200);
            first = client.firstAcknowledgedSince(killed);
        }
        done = tap.await("FailoverCompleted", FailoverCompleted.class, completedBefore, f -> true, PATIENCE);
        lost = client.missingOn(t.node(done.newPrimary()), t.users().admin());
        String timeline = "detected " + after(killedAt, tap, FailureAnalyzed.class, a -> a.problem().equals("DeadPrimary"))
                + ", decided " + after(killedAt, tap, FailoverStarted.class, s -> true)
                + ", promoted " + after(killedAt, tap, FailoverCompleted.class, f -> f.failoverId().equals(done.failoverId()))
                + ", topology " + after(killedAt, tap, TopologyChanged.class, c -> c.epoch() == done.epoch()
                && !c.writers().isEmpty())
                + ", gateway's first write " + String.format("+%.0f ms", (first.ended() - kill) / 1e6)
                + " (" + done.oldPrimary() + " -> " + done.newPrimary() + ", steps " + done.stepDurationsMillis() + ")";
        t.restart(primary);
        FailoverStepCompleted back = tap.await(primary.name() + " rejoined or refused", FailoverStepCompleted.class, 0,
                s -> s.step().startsWith("rejoin") && s.detail().startsWith(primary.name())
                        && s.header().time().isAfter(killedAt), PATIENCE);
        return new Result((first.ended() - kill) / 1e6, client.errors(), lost, timeline, back.step());
    }
}
