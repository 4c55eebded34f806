package io.mysqlha.events;

/** What a reader made of one record: an event, or the reason it refused it. */
public sealed interface DecodeResult {

    record Accepted(Event event) implements DecodeResult {
    }

    /** @param reason one line saying what is wrong and what to do; never the payload itself */
    record Rejected(String reason) implements DecodeResult {
    }
}
