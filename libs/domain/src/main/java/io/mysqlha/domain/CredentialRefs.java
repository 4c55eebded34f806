package io.mysqlha.domain;

/**
 * Names of secrets, never their values: each service resolves a name from a file or an environment
 * variable (see {@code SecretResolver}). Kafka only ever carries these names.
 *
 * @param monitor     user and password the probe connects with
 * @param replication user and password replicas use to connect to a primary
 * @param admin       user and password failover uses to fence, promote and re-point
 * @param appUsers    the file of application users the gateway authenticates
 */
public record CredentialRefs(String monitor, String replication, String admin, String appUsers) {

    public static final CredentialRefs DEFAULTS = new CredentialRefs(null, null, null, null);

    public CredentialRefs {
        monitor = monitor == null ? "mysqlha-monitor" : monitor;
        replication = replication == null ? "mysqlha-replication" : replication;
        admin = admin == null ? "mysqlha-admin" : admin;
        appUsers = appUsers == null ? "mysqlha-app-users" : appUsers;
    }
}
