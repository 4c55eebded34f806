package io.mysqlha.testsupport.bench;

import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverKind;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.FailoverStepCompleted;
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
 * Repeated planned switchovers through the gateway: the whole suite as processes (probe, topology, failover,
 * gateway) on its own broker and one semi-sync topology of three nodes; one client inserts in a loop through the
 * read/write listener while the failover service is asked (over its REST API, as an operator would) to hand the
 * primary to another node. Per drill: client errors, the longest write pause from the request on, acknowledged
 * writes missing on the new primary, and the event timeline read back from Kafka. Each drill starts once the old
 * primary is back in the topology as a reader. Prints figures; asserts nothing.
 */
public final class SwitchoverDrill {

    private record Result(double pauseMs, int errors, long lost, String timeline) {
    }

    private SwitchoverDrill() {
    }

    public static void main(String[] args) throws Exception {
        int drills = Integer.getInteger("drills", 5);
        List<Result> results = new ArrayList<>();
        try (Drills rig = new Drills("switchover-drill");
             GtidTopology t = Drills.servers(rig.dir.resolve("db"))) {
            run(rig, t, drills, results);
        }
        if (!results.isEmpty()) {
            System.out.printf("%nswitchover drills: %d, longest write pause through the gateway: %s; client errors %d"
                    + " in total; lost acknowledged writes %d%n", results.size(),
                    Drills.medianMax(results.stream().map(Result::pauseMs).toList(), "ms"),
                    results.stream().mapToInt(Result::errors).sum(), results.stream().mapToLong(Result::lost).sum());
        }
        System.exit(0);
    }

    private static void run(Drills rig, GtidTopology t, int drills, List<Result> results) throws Exception {
        String cluster = "switchover";
        int rw = FreePorts.next();
        rig.define(t, cluster, rw);
        try (EventTap tap = new EventTap(SharedInfra.kafka().bootstrapServers(), rig.topics, cluster, Topic.TOPOLOGY,
                Topic.FAILOVER)) {
            Waits.until("writes through the gateway", PATIENCE, () -> {
                try (Connection c = WriteLoop.client(rw)) {
                    Sql.execute(c, "SELECT 1");
                    return true;
                }
            });
            for (int i = 1; i <= drills; i++) {
                Result r = drill(rig, t, tap, cluster, rw);
                results.add(r);
                System.out.printf("drill %d: longest write pause %.0f ms, client errors %d, lost acknowledged writes"
                        + " %d%n    %s%n", i, r.pauseMs(), r.errors(), r.lost(), r.timeline());
            }
        } catch (RuntimeException | AssertionError e) {
            rig.explain(e);
        }
    }

    private static Result drill(Drills rig, GtidTopology t, EventTap tap, String cluster, int rw)
            throws Exception {
        ServerNode primary = Drills.writer(t, tap);
        int completedBefore = tap.all(FailoverCompleted.class).size();
        WriteLoop client = new WriteLoop(rw, "switchover");
        Instant askedAt;
        long asked;
        FailoverCompleted done;
        try (client) {
            Waits.until("200 inserts", PATIENCE, () -> client.acknowledgedCount() >= 200);
            askedAt = Instant.now();
            asked = System.nanoTime();
            var answer = rig.service("failover").post("/clusters/" + cluster + "/switchover?by=switchover-drill");
            if (answer.statusCode() != 202) {
                throw new IllegalStateException("the switchover was refused: " + answer.statusCode() + " "
                        + answer.body());
            }
            done = tap.await("the switchover's FailoverCompleted", FailoverCompleted.class, completedBefore,
                    f -> f.kind() == FailoverKind.SWITCHOVER, PATIENCE);
            long completed = System.nanoTime();
            Waits.until("200 inserts after the switchover", PATIENCE, () -> client.acknowledgedSince(completed) >= 200);
        }
        long lost = client.missingOn(t.node(done.newPrimary()), t.users().admin());
        String drain = tap.all(FailoverStepCompleted.class).stream()
                .filter(s -> s.failoverId().equals(done.failoverId()) && s.step().equals("drain"))
                .map(FailoverStepCompleted::detail).findFirst().orElse("(none)");
        String timeline = "started " + after(askedAt, tap, FailoverStarted.class, s -> s.kind() == FailoverKind.SWITCHOVER)
                + ", drained " + after(askedAt, tap, FailoverStepCompleted.class, s -> s.failoverId()
                .equals(done.failoverId()) && s.step().equals("drain")) + " (" + drain + ")"
                + ", promoted " + after(askedAt, tap, FailoverCompleted.class, f -> f.failoverId()
                .equals(done.failoverId()))
                + ", topology " + after(askedAt, tap, TopologyChanged.class, c -> c.epoch() == done.epoch()
                && !c.writers().isEmpty())
                + " (" + done.oldPrimary() + " -> " + done.newPrimary() + ", steps " + done.stepDurationsMillis() + ")";
        if (!done.oldPrimary().equals(primary.name())) {
            timeline += "; the topology named " + primary.name() + " the writer when it was asked";
        }
        // the next drill starts from a whole cluster: the old primary replicating and back among the readers
        tap.await(done.oldPrimary() + " a reader of " + done.newPrimary(), TopologyChanged.class, 0,
                c -> c.epoch() == done.epoch() && c.writers().size() == 1
                        && c.writers().getFirst().nodeId().equals(done.newPrimary())
                        && c.readers().stream().anyMatch(n -> n.nodeId().equals(done.oldPrimary()))
                        && c.offline().isEmpty(), PATIENCE);
        return new Result(client.longestPauseAfter(asked), client.errors(), lost, timeline);
    }
}
