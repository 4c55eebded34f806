package io.mysqlha.gateway;

import io.mysqlha.gateway.routing.Routes;
import io.mysqlha.gateway.routing.RoutingTable;
import io.mysqlha.gateway.session.SessionView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.Comparator;
import java.util.List;

/** What the gateway routes by and who is connected (admin HTTP port, 8084 locally). */
@Path("/gateway")
@Produces(MediaType.APPLICATION_JSON)
public class GatewayResource {
    private final Gateway gateway;

    public GatewayResource(Gateway gateway) {
        this.gateway = gateway;
    }

    /** A listener and where it sends now. */
    public record ListenerView(String cluster, String name, String role, String address, int open,
                               Long generation, Long epoch, String writer, List<String> readers,
                               String writesHeldFor) {
    }

    @GET
    @Path("/routes")
    @Operation(summary = "Each listener, the topology generation it routes by, its writer and readers")
    public List<ListenerView> routes() {
        return gateway.listeners().stream().sorted(Comparator.comparing(Listener::key)).map(l -> {
            Routes r = gateway.table().routes(l.clusterId()).orElse(null);
            return new ListenerView(l.clusterId(), l.name(), l.role(), l.key(), l.metrics().open.get(),
                    r == null ? null : r.generation(), r == null ? null : r.epoch(),
                    r == null || r.writer() == null ? null : r.writer().nodeId() + " " + r.writer().address(),
                    r == null ? List.of() : r.readers().stream()
                            .map(n -> n.nodeId() + " " + n.address() + " weight " + n.weight()).toList(),
                    gateway.table().hold(l.clusterId()).map(RoutingTable.Hold::failoverId).orElse(null));
        }).toList();
    }

    /** A listener's digest. */
    public record DigestView(String cluster, String listener, String digest, String digestText, String route,
                             long count, long rows, long errors, long sumMicros, long minMicros, long maxMicros) {
    }

    @GET
    @Path("/digests")
    @Operation(summary = "Query digests per listener and route (ProxySQL's stats_mysql_query_digest): statements,"
            + " rows sent, errors, latency in microseconds; the most frequent first")
    public List<DigestView> digests(@jakarta.ws.rs.QueryParam("limit") @jakarta.ws.rs.DefaultValue("100") int limit) {
        return gateway.listeners().stream().flatMap(l -> l.metrics().digests().top(Math.max(1, limit)).stream()
                .map(d -> new DigestView(l.clusterId(), l.name(), d.digest(), d.digestText(), d.route(), d.count(),
                        d.rows(), d.errors(), d.sumMicros(), d.minMicros(), d.maxMicros())))
                .sorted(Comparator.comparingLong(DigestView::count).reversed()).limit(Math.max(1, limit)).toList();
    }

    /** A query rule and how often it matched. */
    public record RuleView(String cluster, String name, String matchPattern, String matchDigest, boolean negate,
                           String username, String schemaname, String destination, boolean apply, long hits) {
    }

    @GET
    @Path("/rules")
    @Operation(summary = "Each cluster's query rules for its splitting read/write listener, in order, with hits")
    public List<RuleView> rules() {
        return gateway.splits().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .flatMap(e -> e.getValue().rules().rules().stream().map(c -> new RuleView(e.getKey(), c.name(),
                        c.rule().matchPattern(), c.rule().matchDigest(), c.rule().negateMatchPattern(),
                        c.rule().username(), c.rule().schemaname(), c.rule().destination().name().toLowerCase(),
                        c.rule().apply(), c.hitCount()))).toList();
    }

    @GET
    @Path("/pools")
    @Operation(summary = "Backend connection pools per node (multiplexing): connections open, free and the limit;"
            + " created, borrowed by another session, reclaimed by their own, restored to a session's state;"
            + " statements queued, timed out, turned away, and the time waited in microseconds")
    public List<java.util.Map<String, Object>> pools() {
        return gateway.pools().view();
    }

    @GET
    @Path("/sessions")
    @Operation(summary = "Client sessions: user, client, the node each uses now, open transaction, waiting statements")
    public List<SessionView> sessions() {
        return gateway.sessions().stream().map(s -> s.view()).sorted(Comparator.comparingLong(SessionView::id))
                .toList();
    }
}
