package io.mysqlha.failover.core;

/** The elector's answer: a candidate and why, or a refusal and why. */
public sealed interface Election {
    String reason();

    record Elected(ReplicaPosition candidate, String reason) implements Election {
    }

    record Refused(String reason) implements Election {
    }
}
