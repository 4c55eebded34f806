package io.mysqlha.domain;

/**
 * Names of secrets, never their values: each service resolves a name from a file or an environment
 * variable (see {@code SecretResolver}). Kafka only ever carries these names.
 *
 * @param monitor     user and password the probe connects with
 * @param replication user and password replicas use to connect to a primary
 * @param admin       user and password failover uses to fence, promote and re-point
 * @param appUsers    the file of application users the gateway authenticates
 * @param usersLoader user and password of an account that may read the servers' accounts ({@code mysql.global_priv}
 *                    on MariaDB, {@code mysql.user} on MySQL): when set, the gateway also accepts the application
 *                    users it reads from the cluster's writer (MaxScale's way); null: only those of its secret
 */
public record CredentialRefs(String monitor, String replication, String admin, String appUsers, String usersLoader) {

    public static final CredentialRefs DEFAULTS = new CredentialRefs(null, null, null, null, null);

    /** Without loading users from the servers. */
    public CredentialRefs(String monitor, String replication, String admin, String appUsers) {
        this(monitor, replication, admin, appUsers, null);
    }

    public CredentialRefs {
        monitor = monitor == null ? "mysqlha-monitor" : monitor;
        replication = replication == null ? "mysqlha-replication" : replication;
        admin = admin == null ? "mysqlha-admin" : admin;
        appUsers = appUsers == null ? "mysqlha-app-users" : appUsers;
    }
}
