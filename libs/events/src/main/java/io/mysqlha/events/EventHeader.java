package io.mysqlha.events;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * What every event carries, whatever its type.
 *
 * @param eventId       unique id of this event (a random UUID)
 * @param type          the event's type name, e.g. {@code NodeHealthObserved}; readers dispatch on it
 * @param clusterId     the cluster the event is about; also the Kafka record key
 * @param time          when the fact happened, from the publisher's clock
 * @param source        the publishing service, e.g. {@code health-probe}
 * @param instance      which instance of that service
 * @param schemaVersion {@code major.minor}: minor changes only add fields; a reader refuses a newer major
 */
public record EventHeader(String eventId, String type, String clusterId, Instant time, String source,
                          String instance, String schemaVersion) {

    public static EventHeader of(Class<? extends Event> type, String clusterId, Clock clock, EventSource source) {
        return new EventHeader(UUID.randomUUID().toString(), type.getSimpleName(), clusterId, clock.instant(),
                source.service(), source.instance(), SchemaVersion.CURRENT.toString());
    }
}
