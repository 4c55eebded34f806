package io.mysqlha.failover.io;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.SecretResolver;
import io.mysqlha.service.sql.NodeTlsSettings;

/**
 * The admin account failover acts with, the replication account replicas connect with, and the cluster's TLS
 * towards its nodes (failover's own connections, and the replication channels it sets).
 */
public record ClusterCredentials(DbCredentials admin, DbCredentials replication, NodeTlsSettings tls) {

    /** Resolves the spec's secret names; throws naming the secret (never its value) when one is missing. */
    public static ClusterCredentials resolve(ClusterSpec spec, SecretResolver secrets) {
        return new ClusterCredentials(
                DbCredentials.parse(spec.credentials().admin(), secrets.resolve(spec.credentials().admin())),
                DbCredentials.parse(spec.credentials().replication(),
                        secrets.resolve(spec.credentials().replication())),
                NodeTlsSettings.of(spec, secrets));
    }
}
