package io.mysqlha.failover.io;

import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.events.FailoverStepCompleted;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs the steps of one recovery in order: each is timed and published as FailoverStepCompleted with what it did;
 * one that throws is remembered as the step that failed.
 */
final class Steps {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Steps.class);
    private final String failoverId;
    private final String clusterId;
    private final Clock clock;
    private final EventSource source;
    private final Consumer<FailoverStepCompleted> publish;
    private final Map<String, Long> durations = new LinkedHashMap<>();
    private String current = "start";

    Steps(String failoverId, String clusterId, Clock clock, EventSource source, Consumer<FailoverStepCompleted> publish) {
        this.failoverId = failoverId;
        this.clusterId = clusterId;
        this.clock = clock;
        this.source = source;
        this.publish = publish;
    }

    /** Runs {@code step}; its answer is the step's detail in the decision log. */
    void run(String name, Supplier<String> step) {
        current = name;
        long started = System.nanoTime();
        String detail = step.get();
        long millis = (System.nanoTime() - started) / 1_000_000;
        durations.put(name, millis);
        LOG.infof("%s %s: %s in %d ms: %s", clusterId, failoverId, name, millis, detail);
        publish.accept(new FailoverStepCompleted(EventHeader.of(FailoverStepCompleted.class, clusterId, clock, source),
                failoverId, name, millis, detail));
    }

    String current() {
        return current;
    }

    /** Each step's duration, in the order they ran. */
    Map<String, Long> durations() {
        return durations;
    }
}
