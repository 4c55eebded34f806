package io.mysqlha.domain;

import java.util.List;
import java.util.Optional;

/**
 * The desired configuration of one cluster: what the operator applies and every service reads from the
 * compacted {@code clusters} topic. Missing optional parts take their defaults; {@link ClusterSpecValidator}
 * says what is wrong with the rest.
 */
public record ClusterSpec(String clusterId, ClusterKind kind, List<NodeSpec> nodes, RoutingPolicy routing,
                          ProbePolicy probe, List<ListenerSpec> listeners, BackupSchedule backup,
                          CredentialRefs credentials, List<String> zonePreference, NodeTls tls) {

    public ClusterSpec {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        routing = routing == null ? RoutingPolicy.DEFAULTS : routing;
        probe = probe == null ? ProbePolicy.DEFAULTS : probe;
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        backup = backup == null ? BackupSchedule.DEFAULTS : backup;
        credentials = credentials == null ? CredentialRefs.DEFAULTS : credentials;
        zonePreference = zonePreference == null ? List.of() : List.copyOf(zonePreference);
        tls = tls == null ? NodeTls.DEFAULTS : tls;
    }

    /** A spec with the default TLS towards the nodes ({@code preferred}). */
    public ClusterSpec(String clusterId, ClusterKind kind, List<NodeSpec> nodes, RoutingPolicy routing,
                       ProbePolicy probe, List<ListenerSpec> listeners, BackupSchedule backup,
                       CredentialRefs credentials, List<String> zonePreference) {
        this(clusterId, kind, nodes, routing, probe, listeners, backup, credentials, zonePreference, null);
    }

    public Optional<NodeSpec> node(String nodeId) {
        return nodes.stream().filter(n -> n.id().equals(nodeId)).findFirst();
    }
}
