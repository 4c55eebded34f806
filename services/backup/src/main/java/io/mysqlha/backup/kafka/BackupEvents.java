package io.mysqlha.backup.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.mysqlha.backup.binlog.BinlogArchiver;
import io.mysqlha.backup.io.Verifier;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.AlertResolved;
import io.mysqlha.events.BackupCompleted;
import io.mysqlha.events.BackupFailed;
import io.mysqlha.events.BackupStarted;
import io.mysqlha.events.BackupVerified;
import io.mysqlha.events.BinlogSegmentArchived;
import io.mysqlha.events.Event;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.Severity;
import io.mysqlha.service.kafka.EventPublisher;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** The backup service's events (backup topic) and alerts (alerts topic), each keyed by its cluster. */
public final class BackupEvents {
    public static final String GAP_ALERT = "BinlogArchiveGap";

    private final EventPublisher publisher;
    private final EventSource source;
    private final Clock clock;

    public BackupEvents(EventPublisher publisher, EventSource source, Clock clock) {
        this.publisher = publisher;
        this.source = source;
        this.clock = clock;
    }

    private EventHeader header(Class<? extends Event> type, String clusterId) {
        return EventHeader.of(type, clusterId, clock, source);
    }

    public void started(String clusterId, String backupId, String node, String tool) {
        publisher.publish(new BackupStarted(header(BackupStarted.class, clusterId), backupId, node, tool));
    }

    public void completed(Manifest m) {
        publisher.publish(new BackupCompleted(header(BackupCompleted.class, m.clusterId()), m.backupId(),
                m.sourceNode(), m.gtidPosition(), m.binlogFile(), m.binlogPosition() == null ? 0 : m.binlogPosition(),
                m.bytes(), m.sha256(), Duration.between(m.startedAt(), m.endedAt()).toMillis(),
                m.clusterId() + "/" + m.artifact()));
    }

    public void failed(String clusterId, String backupId, String node, String reason) {
        publisher.publish(new BackupFailed(header(BackupFailed.class, clusterId), backupId, node, reason));
    }

    public void verified(String clusterId, String backupId, Verifier.Verdict verdict) {
        publisher.publish(new BackupVerified(header(BackupVerified.class, clusterId), backupId, verdict.passed(),
                verdict.detail(), verdict.millis()));
    }

    public void archived(SegmentIndex s) {
        publisher.publish(new BinlogSegmentArchived(header(BinlogSegmentArchived.class, s.clusterId()),
                s.sourceNode(), s.file(), s.firstGtid(), s.lastGtid(), s.firstEventTime(), s.lastEventTime(),
                s.bytes(), s.sha256()));
    }

    public void gap(String clusterId, String nodeId, String summary) {
        publisher.publish(new AlertRaised(header(AlertRaised.class, clusterId), GAP_ALERT + "/" + clusterId, GAP_ALERT,
                Severity.CRITICAL, nodeId, summary, Map.of("service", "backup")));
    }

    /** What a cluster's binlog archiver says, as events, alerts and counters. */
    public BinlogArchiver.Listener archiverListener(String clusterId, MeterRegistry registry) {
        return new BinlogArchiver.Listener() {
            @Override
            public void archived(SegmentIndex segment) {
                registry.counter("mysqlha.backup.binlog.segments", "cluster", clusterId).increment();
                BackupEvents.this.archived(segment);
            }

            @Override
            public void gap(String nodeId, String summary) {
                registry.counter("mysqlha.backup.binlog.gaps", "cluster", clusterId).increment();
                BackupEvents.this.gap(clusterId, nodeId, summary);
            }

            @Override
            public void continuous(String nodeId) {
                BackupEvents.this.continuous(clusterId, nodeId);
            }
        };
    }

    public void continuous(String clusterId, String nodeId) {
        publisher.publish(new AlertResolved(header(AlertResolved.class, clusterId), GAP_ALERT + "/" + clusterId,
                GAP_ALERT, nodeId, "the binlog archive of " + clusterId + " follows on without a gap again"));
    }
}
