package io.mysqlha.events;

/** The service and instance that publish an event. */
public record EventSource(String service, String instance) {
}
