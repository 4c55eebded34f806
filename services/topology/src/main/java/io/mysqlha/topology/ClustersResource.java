package io.mysqlha.topology;

import io.mysqlha.events.ClusterSpecDefined;
import io.mysqlha.events.NodeHealthObserved;
import io.mysqlha.events.TopologyChanged;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The fleet's routing as topology publishes it: the same answer from every topology instance. */
@Path("/clusters")
@Produces(MediaType.APPLICATION_JSON)
public class ClustersResource {
    private final TopologyService service;

    public ClustersResource(TopologyService service) {
        this.service = service;
    }

    /** One line per cluster: its spec version and current roles (node ids). */
    public record ClusterSummary(String clusterId, String kind, long specVersion, int nodes, Long generation,
                                 Long epoch, List<String> writers, List<String> readers, List<String> backupWriters,
                                 List<String> offline) {
    }

    /**
     * One node: where the latest topology puts it and why, and its latest health observation (null until one
     * arrived).
     */
    public record NodeStatus(String nodeId, String host, int port, String role, String reason, Instant observedAt,
                             Boolean reachable, NodeHealthObserved latest) {
    }

    public record Problem(String error) {
    }

    @GET
    @Operation(summary = "Every cluster with a spec, and its current writers, readers, backup writers and offline nodes")
    public List<ClusterSummary> clusters() {
        return service.view().clusterIds().stream().map(id -> {
            ClusterSpecDefined d = service.view().spec(id).orElseThrow();
            TopologyChanged t = service.view().topology(id).orElse(null);
            return new ClusterSummary(id, d.spec().kind().name().toLowerCase(), d.specVersion(), d.spec().nodes().size(),
                    t == null ? null : t.generation(), t == null ? null : t.epoch(), ids(t == null ? null : t.writers()),
                    ids(t == null ? null : t.readers()), ids(t == null ? null : t.backupWriters()),
                    ids(t == null ? null : t.offline()));
        }).toList();
    }

    @GET
    @Path("/{id}/topology")
    @Operation(summary = "The cluster's latest TopologyChanged, as published on the topology topic")
    @APIResponse(responseCode = "404", description = "No such cluster, or nothing published for it yet")
    public TopologyChanged topology(@PathParam("id") String id) {
        requireSpec(id);
        return service.view().topology(id).orElseThrow(() -> notFound("cluster " + id
                + " has no topology yet: topology publishes once each node was observed (or after 10 s, when one never is)"));
    }

    @GET
    @Path("/{id}/nodes")
    @Operation(summary = "Each node of the cluster: its role and why, and its latest health observation")
    @APIResponse(responseCode = "404", description = "No such cluster")
    public List<NodeStatus> nodes(@PathParam("id") String id) {
        ClusterSpecDefined d = requireSpec(id);
        TopologyChanged t = service.view().topology(id).orElse(null);
        Map<String, NodeHealthObserved> health = service.view().health(id);
        return d.spec().nodes().stream().map(n -> {
            NodeHealthObserved o = health.get(n.id());
            String[] role = role(t, n.id());
            return new NodeStatus(n.id(), n.host(), n.port(), role[0], role[1], o == null ? null : o.header().time(),
                    o == null ? null : o.reachable(), o);
        }).toList();
    }

    private ClusterSpecDefined requireSpec(String id) {
        return service.view().spec(id).orElseThrow(() -> notFound("no cluster " + id + "; known: "
                + service.view().clusterIds()));
    }

    private static NotFoundException notFound(String message) {
        return new NotFoundException(message, Response.status(404).type(MediaType.APPLICATION_JSON)
                .entity(new Problem(message)).build());
    }

    private static String[] role(TopologyChanged t, String nodeId) {
        if (t == null) {
            return new String[] {"unknown", "no topology published yet"};
        }
        List<String> roles = new java.util.ArrayList<>();
        String reason = null;
        for (var entry : List.of(Map.entry("writer", t.writers()), Map.entry("backup-writer", t.backupWriters()),
                Map.entry("reader", t.readers()), Map.entry("offline", t.offline()))) {
            for (TopologyChanged.AssignedNode n : entry.getValue()) {
                if (n.nodeId().equals(nodeId)) {
                    roles.add(entry.getKey());
                    reason = reason == null ? n.reason() : reason;
                }
            }
        }
        return roles.isEmpty() ? new String[] {"none", "in no set"} : new String[] {String.join("+", roles), reason};
    }

    private static List<String> ids(List<TopologyChanged.AssignedNode> nodes) {
        return nodes == null ? null : nodes.stream().map(TopologyChanged.AssignedNode::nodeId).toList();
    }
}
