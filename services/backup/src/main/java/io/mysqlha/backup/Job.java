package io.mysqlha.backup;

import java.time.Instant;

/**
 * A dump or a restore as operators follow it over REST: what it is, where it stands, what it said last.
 * Updated by the thread that runs it; read by REST.
 */
public final class Job {
    /** Where a job stands. */
    public enum State { QUEUED, RUNNING, COMPLETED, FAILED }

    /** What REST shows. */
    public record View(String jobId, String kind, String clusterId, String backupId, State state, String trigger,
                       Instant queuedAt, Instant startedAt, Instant endedAt, String progress, String result) {
    }

    private final String jobId;
    private final String kind;
    private final String clusterId;
    private final String backupId;
    private final String trigger;
    private final Instant queuedAt;
    private volatile State state = State.QUEUED;
    private volatile Instant startedAt;
    private volatile Instant endedAt;
    private volatile String progress;
    private volatile String result;

    public Job(String jobId, String kind, String clusterId, String backupId, String trigger, Instant queuedAt) {
        this.jobId = jobId;
        this.kind = kind;
        this.clusterId = clusterId;
        this.backupId = backupId;
        this.trigger = trigger;
        this.queuedAt = queuedAt;
    }

    public String jobId() {
        return jobId;
    }

    public String clusterId() {
        return clusterId;
    }

    public String backupId() {
        return backupId;
    }

    public boolean finished() {
        return state == State.COMPLETED || state == State.FAILED;
    }

    void running(Instant at) {
        startedAt = at;
        state = State.RUNNING;
    }

    void progress(String what) {
        progress = what;
    }

    void completed(Instant at, String what) {
        result = what;
        endedAt = at;
        state = State.COMPLETED;
    }

    void failed(Instant at, String why) {
        result = why;
        endedAt = at;
        state = State.FAILED;
    }

    public View view() {
        return new View(jobId, kind, clusterId, backupId, state, trigger, queuedAt, startedAt, endedAt, progress,
                result);
    }
}
