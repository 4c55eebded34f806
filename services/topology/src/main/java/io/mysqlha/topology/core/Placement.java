package io.mysqlha.topology.core;

/** A node in one of the assignment sets, and why it sits there (shown to operators as is). */
public record Placement(String nodeId, String host, int port, int weight, String reason) {
}
