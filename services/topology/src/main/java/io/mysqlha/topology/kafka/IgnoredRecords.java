package io.mysqlha.topology.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records topology read and did not act on (unknown cluster or node, older than what it has, a newer schema,
 * not an event): each is counted in {@code mysqlha_topology_records_ignored_total{topic,reason}}, and said in one
 * log line per topic, reason and subject, repeated at most once a minute with the count since, so a probe that
 * keeps reporting a removed cluster does not fill the log.
 */
public final class IgnoredRecords {
    private static final Logger LOG = Logger.getLogger(IgnoredRecords.class);
    private static final Duration QUIET = Duration.ofMinutes(1);

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Said> said = new ConcurrentHashMap<>();

    private record Said(Instant at, long suppressed) {
    }

    public IgnoredRecords(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * @param topic   where the record came from
     * @param reason  a short metric label, e.g. {@code unknown_cluster}
     * @param subject what it was about, e.g. the cluster id (part of the de-duplication key, not a label)
     * @param message the log line: what is wrong and what to do
     */
    public void ignore(String topic, String reason, String subject, String message) {
        counters.computeIfAbsent(topic + "/" + reason, k -> Counter.builder("mysqlha.topology.records.ignored")
                .description("Records topology read and did not act on, by topic and reason")
                .tag("topic", topic).tag("reason", reason).register(registry)).increment();
        Instant now = clock.instant();
        String key = topic + "/" + reason + "/" + subject;
        Said last = said.get(key);
        if (last == null || !now.isBefore(last.at().plus(QUIET))) {
            said.put(key, new Said(now, 0));
            LOG.warnf("ignored a record on %s (%s)%s: %s", topic, reason,
                    last == null || last.suppressed() == 0 ? "" : " and " + last.suppressed() + " more like it since "
                            + last.at(), message);
        } else {
            said.put(key, new Said(last.at(), last.suppressed() + 1));
        }
    }

    public double count(String topic, String reason) {
        Counter c = counters.get(topic + "/" + reason);
        return c == null ? 0 : c.count();
    }
}
