package io.mysqlha.cli;

import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.BackupCompleted;
import io.mysqlha.events.BackupFailed;
import io.mysqlha.events.BackupStarted;
import io.mysqlha.events.BackupVerified;
import io.mysqlha.events.BinlogSegmentArchived;
import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.Event;
import io.mysqlha.events.FailoverCompleted;
import io.mysqlha.events.FailoverFailed;
import io.mysqlha.events.FailoverStarted;
import io.mysqlha.events.FailoverStepCompleted;
import io.mysqlha.events.FailureAnalyzed;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.RecoveryBlockAcknowledged;
import io.mysqlha.events.SwitchoverRequested;
import io.mysqlha.events.TopologyChanged;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One event as one line for {@code mysqlha events tail}: time, cluster, type, and what it says in words
 * ("node1 -> node2 (epoch 4)"), from the publisher's clock in UTC.
 */
final class EventLine {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private EventLine() {
    }

    static String of(Event e) {
        return TIME.format(e.header().time()) + "  " + e.header().clusterId() + "  " + e.header().type() + "  "
                + summary(e);
    }

    static String summary(Event e) {
        return switch (e) {
            case TopologyChanged t -> "generation " + t.generation() + ", epoch " + t.epoch() + ": writers "
                    + ids(t.writers()) + ", readers " + ids(t.readers())
                    + (t.backupWriters().isEmpty() ? "" : ", backup writers " + ids(t.backupWriters()))
                    + (t.offline().isEmpty() ? "" : ", offline " + ids(t.offline())) + " (" + t.cause() + ")";
            case FailureAnalyzed a -> a.problem() + (a.nodeId() == null ? "" : " on " + a.nodeId()) + ": "
                    + a.action() + (a.detail() == null ? "" : " (" + a.detail() + ")");
            case FailoverStarted s -> kind(s.kind()) + " " + s.failoverId() + ": " + s.oldPrimary() + " -> "
                    + s.candidate() + " (epoch " + s.epoch() + ")" + (s.dryRun() ? " DRY RUN" : "");
            case FailoverStepCompleted s -> s.failoverId() + " " + s.step() + " in " + s.durationMillis() + " ms: "
                    + s.detail();
            case FailoverCompleted c -> kind(c.kind()) + " " + c.failoverId() + ": " + c.newPrimary()
                    + " is the primary of epoch " + c.epoch() + " (was " + c.oldPrimary() + "), in "
                    + c.stepDurationsMillis().values().stream().mapToLong(Long::longValue).sum() + " ms"
                    + (c.lostTransactions() == 0 ? "" : "; " + c.lostTransactions() + " transaction(s) of the old"
                    + " primary lost: " + c.lostGtids());
            case FailoverFailed f -> kind(f.kind()) + " " + f.failoverId() + " failed at " + f.step() + ": "
                    + f.reason();
            case SwitchoverRequested r -> r.requestId() + " by " + r.requestedBy()
                    + (r.targetNode() == null ? "" : " to " + r.targetNode());
            case RecoveryBlockAcknowledged r -> r.requestId() + " by " + r.requestedBy();
            case AlertRaised a -> (a.severity() == null ? "" : a.severity().name().toLowerCase(Locale.ROOT) + " ")
                    + a.name() + (a.nodeId() == null ? "" : " on " + a.nodeId()) + ": " + a.summary();
            case AlertResolved a -> a.name() + (a.nodeId() == null ? "" : " on " + a.nodeId()) + ": " + a.summary();
            case BackupStarted b -> b.backupId() + " from " + b.sourceNode() + " (" + b.tool() + ")";
            case BackupCompleted b -> b.backupId() + " from " + b.sourceNode() + ": " + b.bytes() + " bytes at GTID "
                    + b.gtidPosition() + " in " + b.durationMillis() + " ms";
            case BackupFailed b -> b.backupId() + " from " + b.sourceNode() + ": " + b.reason();
            case BackupVerified b -> b.backupId() + (b.passed() ? " passed" : " FAILED") + ": " + b.detail();
            case BinlogSegmentArchived b -> b.file() + " of " + b.sourceNode() + ": " + b.firstGtid() + ".."
                    + b.lastGtid() + ", " + b.bytes() + " bytes";
            case ClusterSpecDefined d -> "spec version " + d.specVersion() + ": " + d.spec().kind().name()
                    .toLowerCase(Locale.ROOT) + ", nodes " + d.spec().nodes().stream().map(n -> n.id()).toList();
            case NodeHealthObserved h -> h.nodeId() + (h.reachable() ? " read_only=" + h.readOnly()
                    + (h.lagMillis() == null ? "" : ", lag " + h.lagMillis() + " ms") + ", rtt " + h.rttMicros()
                    + " µs" : " unreachable: " + (h.failure() == null ? "?" : h.failure().reason().name()
                    .toLowerCase(Locale.ROOT)));
            default -> "";
        };
    }

    private static String kind(io.mysqlha.events.FailoverKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String ids(List<TopologyChanged.AssignedNode> nodes) {
        return nodes.isEmpty() ? "none" : String.join(",", nodes.stream().map(TopologyChanged.AssignedNode::nodeId)
                .toList());
    }
}
