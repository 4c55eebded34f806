package io.mysqlha.failover;

import io.mysqlha.events.EventHeader;
import io.mysqlha.events.RecoveryBlockAcknowledged;
import io.mysqlha.events.SwitchoverRequested;
import io.mysqlha.failover.kafka.RecoveryLog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import io.mysqlha.service.api.ApiAuthFilter;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Operators' side of failover: recent recoveries and analyses (the same answer from every instance), and requests
 * that go to the cluster's owner as command events (no instance acts on a request it does not own).
 */
@Path("/clusters")
@Produces(MediaType.APPLICATION_JSON)
public class ClustersResource {
    private final FailoverService service;

    public ClustersResource(FailoverService service) {
        this.service = service;
    }

    public record Accepted(String requestId, String clusterId, String targetNode, String follow) {
    }

    public record Problem(String error) {
    }

    public record History(String clusterId, List<RecoveryLog.Entry> recoveries, List<RecoveryLog.Analyzed> analyses) {
    }

    @GET
    @Path("/{id}/recoveries")
    @Operation(summary = "Recent recoveries of a cluster (newest first) with their steps, and its recent analyses")
    public Response recoveries(@PathParam("id") String clusterId) {
        if (service.log().spec(clusterId).isEmpty()) {
            return unknown(clusterId);
        }
        return Response.ok(new History(clusterId, service.log().recoveries(clusterId),
                service.log().analyses(clusterId))).build();
    }

    @POST
    @Path("/{id}/switchover")
    @Operation(summary = "Planned primary change: publishes SwitchoverRequested; the cluster's owner runs it."
            + " Follow it at /clusters/{id}/recoveries")
    public Response switchover(@PathParam("id") String clusterId, @QueryParam("to") String target,
                               @Context SecurityContext security) {
        var spec = service.log().spec(clusterId);
        if (spec.isEmpty()) {
            return unknown(clusterId);
        }
        if (target != null && spec.get().spec().node(target).isEmpty()) {
            return Response.status(Response.Status.BAD_REQUEST).entity(new Problem("cluster " + clusterId
                    + " has no node '" + target + "'; its nodes: " + spec.get().spec().nodes().stream()
                    .map(n -> n.id()).toList())).build();
        }
        String requestId = "switchover-" + UUID.randomUUID();
        service.publisher().publish(new SwitchoverRequested(header(SwitchoverRequested.class, clusterId), requestId,
                target, ApiAuthFilter.caller(security, "rest")));
        return Response.accepted(new Accepted(requestId, clusterId, target, "/clusters/" + clusterId
                + "/recoveries")).build();
    }

    @POST
    @Path("/{id}/recoveries/acknowledge")
    @Operation(summary = "Acknowledge the last recovery: clears the block window so another may start at once")
    public Response acknowledge(@PathParam("id") String clusterId, @Context SecurityContext security) {
        if (service.log().spec(clusterId).isEmpty()) {
            return unknown(clusterId);
        }
        String requestId = "ack-" + UUID.randomUUID();
        service.publisher().publish(new RecoveryBlockAcknowledged(header(RecoveryBlockAcknowledged.class, clusterId),
                requestId, ApiAuthFilter.caller(security, "rest")));
        return Response.accepted(new Accepted(requestId, clusterId, null, "/clusters/" + clusterId + "/recoveries"))
                .build();
    }

    private EventHeader header(Class<? extends io.mysqlha.events.Event> type, String clusterId) {
        return EventHeader.of(type, clusterId, Clock.systemUTC(), service.identity().source());
    }

    private Response unknown(String clusterId) {
        return Response.status(Response.Status.NOT_FOUND).entity(new Problem("no cluster '" + clusterId
                + "'; known: " + service.log().clusterIds())).build();
    }
}
