package io.mysqlha.cli;

import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverFailed;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.FailoverStepCompleted;
import io.mysqlha.events.SwitchoverRequested;
import io.mysqlha.events.Topic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code mysqlha switchover <cluster> [--to node]}: asks the failover service for a planned primary change. */
@Command(name = "switchover", description = "Planned primary change: publishes SwitchoverRequested, then follows"
        + " the failover service's steps until the new primary serves writes (exit 0) or it fails (exit 1).")
final class SwitchoverCommand extends ClusterArgument implements Callable<Integer> {
    @ParentCommand
    Mysqlha root;
    @Option(names = "--to", paramLabel = "NODE", description = "the node to promote (default: the failover service"
            + " elects the most advanced replica)")
    String target;
    @Option(names = "--by", description = "who asks, for the audit log (default: the user name)")
    String by;
    @Option(names = "--timeout", defaultValue = "60s", converter = Mysqlha.DurationConverter.class,
            description = "how long to follow it (default ${DEFAULT-VALUE}); exit 3 when it has not ended by then")
    Duration timeout;
    @Option(names = "--no-wait", description = "only publish the request")
    boolean noWait;

    @Override
    public Integer call() {
        PrintWriter out = out();
        try (Fleet fleet = root.fleet()) {
            ClusterSpecDefined defined = Lookup.spec(fleet, clusterId);
            if (target != null && defined.spec().node(target).isEmpty()) {
                throw new CliException("cluster " + clusterId + " has no node '" + target + "'; its nodes: "
                        + defined.spec().nodes().stream().map(n -> n.id()).toList(), 2);
            }
            String requestId = "switchover-" + UUID.randomUUID();
            SwitchoverRequested request = new SwitchoverRequested(EventHeader.of(SwitchoverRequested.class, clusterId,
                    Clock.systemUTC(), new EventSource("mysqlha-cli", ClustersCommand.user())), requestId, target,
                    by == null ? ClustersCommand.user() : by);
            if (noWait) {
                fleet.publish(request);
                out.println(requestId + " requested; follow it with: mysqlha events tail --cluster " + clusterId);
                return 0;
            }
            Instant asked = Instant.now();
            AtomicInteger exit = new AtomicInteger(3);
            boolean ended = fleet.follow(List.of(Topic.FAILOVER), null, asked.plus(timeout), () -> {
                fleet.publish(request);
                out.println(requestId + " requested" + (target == null ? "" : " (to " + target + ")"));
            }, e -> switch (e) {
                case FailoverStarted s when s.failoverId().equals(requestId) -> {
                    out.println("  started: " + s.oldPrimary() + " -> " + s.candidate() + " (epoch " + s.epoch() + ")");
                    yield true;
                }
                case FailoverStepCompleted s when s.failoverId().equals(requestId) -> {
                    out.println("  " + s.step() + " (" + s.durationMillis() + " ms): " + s.detail());
                    yield true;
                }
                case FailoverCompleted c when c.failoverId().equals(requestId) -> {
                    out.println("switched over: " + c.newPrimary() + " is the primary of epoch " + c.epoch()
                            + " (was " + c.oldPrimary() + "), " + Duration.between(asked, c.header().time()).toMillis()
                            + " ms after the request");
                    exit.set(0);
                    yield false;
                }
                case FailoverFailed f when f.failoverId().equals(requestId) -> {
                    out.println("switchover failed at " + f.step() + ": " + f.reason());
                    exit.set(1);
                    yield false;
                }
                default -> true;
            });
            if (!ended) {
                throw new CliException("the switchover " + requestId + " did not end within " + timeout.toSeconds()
                        + " s: is the failover service running? (mysqlha events tail --cluster " + clusterId + ")", 3);
            }
            return exit.get();
        }
    }
}
