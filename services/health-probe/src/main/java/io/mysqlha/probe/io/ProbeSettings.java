package io.mysqlha.probe.io;

import io.mysqlha.domain.ProbePolicy;

/** How one cluster's nodes are probed: interval, whole-cycle budget, heartbeat on or off. */
public record ProbeSettings(int intervalMs, int timeoutMs, boolean heartbeat) {
    public static ProbeSettings of(ProbePolicy policy) {
        return new ProbeSettings(policy.intervalMs(), policy.timeoutMs(), policy.heartbeat());
    }
}
