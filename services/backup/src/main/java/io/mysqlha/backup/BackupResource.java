package io.mysqlha.backup;

import io.mysqlha.backup.binlog.BinlogArchiver;
import io.mysqlha.backup.core.RestorePlanner;
import io.mysqlha.backup.io.Restorer;
import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.SecretResolver;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
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

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Operators' side of backups: what is owned here, dumps, the binlog archive, restores, and the jobs running them. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class BackupResource {
    private final BackupService service;

    public BackupResource(BackupService service) {
        this.service = service;
    }

    public record Problem(String error) {
    }

    public record Accepted(String jobId, String clusterId, String backupId, String follow) {
    }

    public record Backups(String clusterId, List<Manifest> backups) {
    }

    public record Binlogs(String clusterId, BinlogArchiver.Status status, int segments, List<SegmentIndex> newest) {
    }

    /**
     * @param target      host:port of the server to restore into (never a node of the cluster)
     * @param credentials name of the secret (user=/password= lines) to connect to it with; default the cluster's
     *                    admin secret
     * @param time        restore everything committed before this instant (ISO-8601, e.g. 2026-12-03T10:15:00Z)
     * @param gtid        or: up to and including this GTID position
     */
    public record RestoreRequest(String target, String credentials, String time, String gtid) {
    }

    @GET
    @Path("clusters")
    @Operation(summary = "The clusters this instance backs up: writer, schedule, the running job, binlog archival")
    public List<BackupService.ClusterView> clusters() {
        return service.ownedClusters().stream().flatMap(id -> service.cluster(id).stream()).toList();
    }

    @GET
    @Path("clusters/{id}/backups")
    @Operation(summary = "The cluster's backups, newest first, with their manifests (failed attempts too)")
    public Response backups(@PathParam("id") String clusterId) {
        if (service.cluster(clusterId).isEmpty()) {
            return problem(404, service.notOwned(clusterId));
        }
        try {
            return Response.ok(new Backups(clusterId, service.repository().manifests(clusterId).reversed())).build();
        } catch (IOException e) {
            return problem(500, e.getMessage());
        }
    }

    @POST
    @Path("clusters/{id}/backups")
    @Operation(summary = "Dumps the cluster now from a healthy replica; follow the job at /jobs/{jobId}")
    public Response dump(@PathParam("id") String clusterId, @Context SecurityContext security) {
        return accepted(service.requestDump(clusterId, "request by " + ApiAuthFilter.caller(security, "api")));
    }

    @GET
    @Path("clusters/{id}/binlogs")
    @Operation(summary = "Binlog archival of the cluster: what is streamed from where, and the newest segments")
    public Response binlogs(@PathParam("id") String clusterId, @QueryParam("limit") @DefaultValue("20") int limit) {
        var view = service.cluster(clusterId);
        if (view.isEmpty()) {
            return problem(404, service.notOwned(clusterId));
        }
        try {
            List<SegmentIndex> all = service.repository().segments(clusterId);
            int n = Math.max(0, Math.min(limit, all.size()));
            return Response.ok(new Binlogs(clusterId, view.get().binlogs(), all.size(),
                    all.subList(all.size() - n, all.size()).reversed())).build();
        } catch (IOException e) {
            return problem(500, e.getMessage());
        }
    }

    @POST
    @Path("clusters/{id}/restores")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Restores the newest dump before a point (time or GTID; none: the newest dump) into a"
            + " target server and replays the archived binlogs up to it; refused with the reason when the archive"
            + " cannot reach it")
    public Response restore(@PathParam("id") String clusterId, RestoreRequest request,
                            @Context SecurityContext security) {
        ClusterSpec spec = service.spec(clusterId).orElse(null);
        if (spec == null) {
            return problem(404, service.notOwned(clusterId));
        }
        if (request == null || request.target() == null || !request.target().matches("[^:\\s]+:\\d{1,5}")) {
            return problem(400, "target: host:port of the server to restore into, e.g. 127.0.0.1:3399");
        }
        String host = request.target().substring(0, request.target().lastIndexOf(':'));
        int port = Integer.parseInt(request.target().substring(request.target().lastIndexOf(':') + 1));
        var node = spec.nodes().stream().filter(n -> n.isAt(host, port)).findFirst();
        if (node.isPresent()) {
            return problem(400, "target " + request.target() + " is node " + node.get().id() + " of " + clusterId
                    + ": a restore overwrites its target; restore into a separate server and rebuild from it");
        }
        RestorePlanner.Point point;
        try {
            if (request.time() != null && request.gtid() != null) {
                return problem(400, "give time or gtid, not both");
            }
            point = request.time() != null ? new RestorePlanner.Point.AtTime(Instant.parse(request.time()))
                    : request.gtid() != null ? new RestorePlanner.Point.AtGtid(request.gtid())
                    : new RestorePlanner.Point.LatestDump();
        } catch (DateTimeParseException e) {
            return problem(400, "time: an ISO-8601 instant such as 2026-12-03T10:15:00Z; got " + request.time());
        }
        DbCredentials credentials;
        try {
            String secret = request.credentials() == null ? spec.credentials().admin() : request.credentials();
            credentials = DbCredentials.parse(secret, new SecretResolver(service.config().secretsDir(), System.getenv())
                    .resolve(secret));
        } catch (RuntimeException e) {
            return problem(400, "credentials: " + e.getMessage());
        }
        Restorer.Target target = new Restorer.Target(request.target(), List.of("--host=" + host, "--port=" + port,
                "--protocol=TCP", "--user=" + credentials.user()), credentials.password());
        return accepted(service.requestRestore(clusterId, point, target, ApiAuthFilter.caller(security, "api")));
    }

    @GET
    @Path("jobs/{jobId}")
    @Operation(summary = "A dump or restore job: state, progress, result")
    public Response job(@PathParam("jobId") String jobId) {
        return service.job(jobId).map(j -> Response.ok(j.view()).build())
                .orElseGet(() -> problem(404, "no job '" + jobId + "' here (jobs are kept by the instance that ran"
                        + " them, the newest 200)"));
    }

    private Response accepted(BackupService.Result r) {
        if (r.job() == null) {
            return problem(r.status(), r.refusal());
        }
        Job j = r.job();
        return Response.status(202).entity(new Accepted(j.jobId(), j.clusterId(), j.backupId(), "/jobs/" + j.jobId()))
                .build();
    }

    private static Response problem(int status, String error) {
        return Response.status(status).entity(new Problem(error)).build();
    }
}
