package io.mysqlha.events.kafka;

import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Builds the dead-letter copy of a refused record: same key and bytes, and headers saying where it came from
 * and why it was refused, so an operator can inspect and replay it.
 */
public final class DeadLetters {
    public static final String REASON = "mysqlha.dead-letter.reason";
    public static final String ORIGIN = "mysqlha.dead-letter.origin";
    public static final String CONSUMER = "mysqlha.dead-letter.consumer";

    private DeadLetters() {
    }

    public static ProducerRecord<byte[], byte[]> of(Topics topics, ConsumerRecord<byte[], byte[]> refused,
                                                    String reason, String consumer) {
        RecordHeaders headers = new RecordHeaders(refused.headers().toArray());
        headers.add(REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(ORIGIN, origin(refused).getBytes(StandardCharsets.UTF_8));
        headers.add(CONSUMER, consumer.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topics.name(Topic.DEAD_LETTER), null, refused.key(), refused.value(), headers);
    }

    /** topic/partition@offset, the form every log line about a refused record uses. */
    public static String origin(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }
}
