package io.mysqlha.alerts.kafka;

import io.mysqlha.alerts.core.AlertPayloads;
import io.mysqlha.alerts.core.RetryDelay;
import io.mysqlha.alerts.io.Webhook;
import io.mysqlha.events.AlertRaised;
import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.Event;
import io.mysqlha.events.EventCodec;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.service.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Reads the alerts topic as a member of a consumer group and posts every alert, in order per partition, to the
 * webhook. An offset is committed only after its alert was delivered (or deliberately passed over), so a forwarder
 * that stops, crashes or loses the receiver for hours resumes at the first alert not yet delivered: nothing is
 * lost, and after a crash at most the alert in flight is posted twice. A failed post is retried with back-off, the
 * consumer going back to the same record; other partitions go on meanwhile.
 *
 * <p>Passed over, committed and counted: a record that is not a mysqlha event (logged with its offset and why),
 * events other than alerts, and alerts older than {@code maxAge} (a new group does not replay last month).
 */
public final class AlertForwarder implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AlertForwarder.class);
    private static final int REMEMBERED_RAISES = 10_000;

    public record Settings(KafkaAccess kafka, String topic, String groupId, String clientId, Duration maxAge,
                           RetryDelay retry, AlertPayloads.Format format, String receiver) {
    }

    private final Settings settings;
    private final Function<byte[], Webhook.Outcome> poster;
    private final Clock clock;
    private final EventCodec codec = new EventCodec();
    private final CountDownLatch closing = new CountDownLatch(1);
    /** The raises seen, by alert id, so a resolution carries the raise's severity and labels. */
    private final Map<String, AlertRaised> raises = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AlertRaised> eldest) {
            return size() > REMEMBERED_RAISES;
        }
    };
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong passedOver = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile Instant failingSince;
    private volatile String lastFailure;
    private volatile boolean closed;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    private int failuresInARow;

    /** @param poster posts one payload and says how it went (the {@link Webhook}'s post) */
    public AlertForwarder(Settings settings, Function<byte[], Webhook.Outcome> poster, Clock clock) {
        this.settings = settings;
        this.poster = poster;
        this.clock = clock;
    }

    public void start() {
        thread = Thread.ofPlatform().name("alert-forwarder").start(this::run);
    }

    private void run() {
        while (!closed) {
            try (KafkaConsumer<byte[], byte[]> c = newConsumer()) {
                consumer = c;
                c.subscribe(List.of(settings.topic()));
                while (!closed) {
                    round(c);
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warnf("the alert forwarder lost its consumer (%s); rejoining in 1 s, from the last alert"
                            + " delivered", e.getMessage());
                    pause(Duration.ofSeconds(1));
                }
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Map<String, Object> config = KafkaClients.groupMember(settings.kafka(), settings.groupId(),
                settings.clientId(), org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void round(KafkaConsumer<byte[], byte[]> c) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                if (closed || !handle(c, tp, r)) {
                    break; // the rest of this partition comes again from the record that failed
                }
            }
        }
    }

    /** Delivers or passes over one record and commits past it; false when delivery failed (the consumer is sent back). */
    private boolean handle(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
        Event event;
        switch (codec.decode(r.value())) {
            case DecodeResult.Rejected rej -> {
                rejected.incrementAndGet();
                LOG.warnf("%s offset %d is not an alert this forwarder can read (%s); passed over", tp, r.offset(),
                        rej.reason());
                commit(c, tp, r);
                return true;
            }
            case DecodeResult.Accepted acc -> event = acc.event();
        }
        if (!AlertPayloads.isAlert(event) || event.header().time().isBefore(clock.instant().minus(settings.maxAge()))) {
            passedOver.incrementAndGet();
            remember(event);
            commit(c, tp, r);
            return true;
        }
        AlertRaised raise = event instanceof io.mysqlha.events.AlertResolved res ? raises.get(res.alertId()) : null;
        byte[] payload = AlertPayloads.format(settings.format(), event, raise, settings.receiver());
        Webhook.Outcome outcome = poster.apply(payload);
        if (outcome instanceof Webhook.Outcome.Failed failed) {
            failedAttempts.incrementAndGet();
            failuresInARow++;
            if (failingSince == null) {
                failingSince = clock.instant();
            }
            Duration wait = settings.retry().after(failuresInARow);
            if (failuresInARow == 1 || !failed.reason().equals(lastFailure) || failuresInARow % 10 == 0) {
                LOG.warnf("delivering %s %s of cluster %s failed (attempt %d): %s; retrying in %d ms",
                        event.header().type(), alertId(event), event.header().clusterId(), failuresInARow,
                        failed.reason(), wait.toMillis());
            }
            lastFailure = failed.reason();
            c.seek(tp, r.offset());
            pause(wait);
            return false;
        }
        if (failuresInARow > 0) {
            LOG.infof("the webhook takes alerts again after %d failed attempts", failuresInARow);
        }
        failuresInARow = 0;
        failingSince = null;
        lastFailure = null;
        delivered.incrementAndGet();
        remember(event);
        commit(c, tp, r);
        return true;
    }

    private void remember(Event event) {
        if (event instanceof AlertRaised raised) {
            raises.put(raised.alertId(), raised);
        }
    }

    private static String alertId(Event event) {
        return event instanceof AlertRaised r ? r.alertId()
                : event instanceof io.mysqlha.events.AlertResolved r ? r.alertId() : "";
    }

    private static void commit(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
        c.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
    }

    private void pause(Duration wait) {
        try {
            closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    public long delivered() {
        return delivered.get();
    }

    public long failedAttempts() {
        return failedAttempts.get();
    }

    public long passedOver() {
        return passedOver.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Since when the alert at the head of a partition has failed to go out, or null while deliveries succeed. */
    public Instant failingSince() {
        return failingSince;
    }

    /** The last attempt's failure while failing, else null; never holds the URL. */
    public String lastFailure() {
        return lastFailure;
    }

    public boolean running() {
        return thread != null && thread.isAlive();
    }

    @Override
    public void close() {
        closed = true;
        closing.countDown();
        KafkaClients.wakeUpAndJoin(consumer, thread, Duration.ofSeconds(15));
    }
}
