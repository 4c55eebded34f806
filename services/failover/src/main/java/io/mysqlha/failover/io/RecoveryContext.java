package io.mysqlha.failover.io;

import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.Event;
import io.mysqlha.events.EventHeader;
import io.mysqlha.events.EventSource;
import io.mysqlha.service.SecretResolver;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.function.Consumer;

/** What every recovery acts with: the database client, the secrets, the patience, the clock and the decision log. */
public record RecoveryContext(Vertx vertx, SecretResolver secrets, RecoverySettings settings, Clock clock,
                              EventSource source, Consumer<Event> publish) {

    /** An administrative connection with the settings' patience; throws when the node does not answer. */
    public NodeSql connect(NodeSpec node, ClusterCredentials creds) {
        return NodeSql.connect(vertx, node, creds.admin(), creds.tls(), settings.connectTimeout(),
                settings.statementTimeout());
    }

    public EventHeader header(Class<? extends Event> type, String clusterId) {
        return EventHeader.of(type, clusterId, clock, source);
    }
}
