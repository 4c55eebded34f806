package io.mysqlha.domain;

/**
 * How often and how patiently the health probe looks at each node of the cluster.
 *
 * @param intervalMs time between two probe cycles of one node
 * @param timeoutMs  connect-and-query budget of one probe; must be shorter than the interval
 * @param heartbeat  write a heartbeat row on the writer every cycle and measure lag from it
 */
public record ProbePolicy(Integer intervalMs, Integer timeoutMs, Boolean heartbeat) {

    public static final ProbePolicy DEFAULTS = new ProbePolicy(null, null, null);

    public ProbePolicy {
        intervalMs = intervalMs == null ? 500 : intervalMs;
        timeoutMs = timeoutMs == null ? 400 : timeoutMs;
        heartbeat = heartbeat == null || heartbeat;
    }
}
