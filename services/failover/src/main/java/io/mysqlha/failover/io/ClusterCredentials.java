package io.mysqlha.failover.io;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.SecretResolver;

/** The admin account failover acts with, and the replication account replicas connect with. */
public record ClusterCredentials(DbCredentials admin, DbCredentials replication) {

    /** Resolves the spec's secret names; throws naming the secret (never its value) when one is missing. */
    public static ClusterCredentials resolve(ClusterSpec spec, SecretResolver secrets) {
        return new ClusterCredentials(
                DbCredentials.parse(spec.credentials().admin(), secrets.resolve(spec.credentials().admin())),
                DbCredentials.parse(spec.credentials().replication(),
                        secrets.resolve(spec.credentials().replication())));
    }
}
