package io.mysqlha.events.kafka;

import io.mysqlha.events.Event;
import io.mysqlha.events.EventCodec;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for events (key: the cluster id as a UTF-8 string). */
public final class EventSerializer implements Serializer<Event> {
    private final EventCodec codec = new EventCodec();

    @Override
    public byte[] serialize(String topic, Event event) {
        return event == null ? null : codec.encode(event);
    }
}
