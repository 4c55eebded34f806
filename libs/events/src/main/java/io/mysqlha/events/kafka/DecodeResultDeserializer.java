package io.mysqlha.events.kafka;

import io.mysqlha.events.DecodeResult;
import io.mysqlha.events.EventCodec;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer that never throws: a record it cannot read becomes {@link DecodeResult.Rejected},
 * which the consumer sends to the dead-letter topic and moves past, so one poisoned record never stops a
 * partition or loops a consumer.
 */
public final class DecodeResultDeserializer implements Deserializer<DecodeResult> {
    private final EventCodec codec = new EventCodec();

    @Override
    public DecodeResult deserialize(String topic, byte[] data) {
        return codec.decode(data);
    }
}
