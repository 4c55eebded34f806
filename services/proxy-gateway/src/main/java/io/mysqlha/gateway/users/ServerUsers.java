package io.mysqlha.gateway.users;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.Flavour;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.gateway.routing.RoutingTable;
import io.mysqlha.gateway.session.AppUsers;
import io.mysqlha.gateway.session.SessionContext;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.SecretResolver;
import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.service.sql.NodeTlsSettings;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A cluster's application users as its writer defines them, read with the spec's {@code credentials.users_loader}
 * account (MaxScale's way): every {@code period}, and at once when a client logs in as someone the gateway does not
 * know or with a password it cannot check (at most once per {@code minInterval}, so a flood of bad logins costs the
 * writer one query a second). A read that fails keeps the users read before and says why, once per distinct reason.
 */
public final class ServerUsers implements SessionContext.ServerUsers {
    private static final Logger LOG = Logger.getLogger(ServerUsers.class);
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final String MARIADB = "SELECT User, Host, JSON_VALUE(Priv, '$.plugin') AS plugin,"
            + " JSON_VALUE(Priv, '$.authentication_string') AS authentication_string,"
            + " JSON_VALUE(Priv, '$.account_locked') AS account_locked, JSON_VALUE(Priv, '$.is_role') AS is_role"
            + " FROM mysql.global_priv";
    private static final String MYSQL = "SELECT User, Host, plugin, HEX(authentication_string) AS auth_hex,"
            + " account_locked FROM mysql.user";

    private final ClusterSpec spec;
    private final SecretResolver secrets;
    private final Vertx vertx;
    private final RoutingTable table;
    private final Executor executor;
    private final Clock clock;
    private final Duration period;
    private final Duration minInterval;
    private volatile ServerAccounts accounts = ServerAccounts.NONE;
    private CompletableFuture<Boolean> inFlight;
    private Instant lastStart = Instant.EPOCH;
    private String problem;

    public ServerUsers(ClusterSpec spec, SecretResolver secrets, Vertx vertx, RoutingTable table, Executor executor,
                       Clock clock, Duration period, Duration minInterval) {
        this.spec = spec;
        this.secrets = secrets;
        this.vertx = vertx;
        this.table = table;
        this.executor = executor;
        this.clock = clock;
        this.period = period;
        this.minInterval = minInterval;
    }

    /** The spec it was made for: a changed spec (another loader, another TLS) makes a new one. */
    public ClusterSpec spec() {
        return spec;
    }

    @Override
    public Optional<AppUsers.User> find(String user, String clientHost) {
        return accounts.find(user, clientHost);
    }

    /** Reads again when the period has passed since the last read. */
    public synchronized void refreshIfDue() {
        if (Duration.between(lastStart, clock.instant()).compareTo(period) >= 0) {
            start();
        }
    }

    /**
     * Reads again now unless a read started less than the minimum interval ago (then the one in flight, or nothing);
     * completes with true when the users changed.
     */
    @Override
    public synchronized CompletableFuture<Boolean> refreshNow() {
        if (inFlight != null) {
            return inFlight;
        }
        Duration since = Duration.between(lastStart, clock.instant());
        // a read that began just before the account was created would not have it: the next one waits its turn
        return start(since.compareTo(minInterval) < 0 ? minInterval.minus(since) : Duration.ZERO);
    }

    private synchronized CompletableFuture<Boolean> start() {
        return inFlight != null ? inFlight : start(Duration.ZERO);
    }

    private synchronized CompletableFuture<Boolean> start(Duration delay) {
        lastStart = clock.instant().plus(delay);
        CompletableFuture<Boolean> f = CompletableFuture.supplyAsync(this::read, delay.isZero() ? executor
                : CompletableFuture.delayedExecutor(delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS,
                executor));
        inFlight = f;
        f.whenComplete((changed, e) -> {
            synchronized (this) {
                inFlight = null;
            }
        });
        return f;
    }

    /** One read from the writer; true when the accounts changed. */
    private boolean read() {
        var writer = table.routes(spec.clusterId()).map(r -> r.writer()).orElse(null);
        if (writer == null) {
            report("no writer to read them from now");
            return false;
        }
        NodeSpec node = new NodeSpec(writer.nodeId(), writer.host(), writer.port(), null, null, null, null);
        String loader = spec.credentials().usersLoader();
        ServerAccounts read;
        try {
            DbCredentials credentials = DbCredentials.parse(loader, secrets.resolve(loader));
            try (NodeSql sql = NodeSql.connect(vertx, node, credentials, NodeTlsSettings.of(spec, secrets), PATIENCE,
                    PATIENCE)) {
                List<Map<String, String>> rows = sql.rows(sql.flavour() == Flavour.MARIADB ? MARIADB : MYSQL);
                read = ServerAccounts.of(rows);
            }
        } catch (RuntimeException e) {
            report("cannot read them from " + writer.nodeId() + " with the account of secret " + loader
                    + " (credentials.users_loader): " + e.getMessage());
            return false;
        }
        ServerAccounts before = accounts;
        accounts = read;
        boolean changed = !same(before, read);
        if (changed || problem != null) {
            LOG.infof("gateway: %s: %d application user(s) read from %s%s", spec.clusterId(), read.size(),
                    writer.nodeId(), read.skipped().isEmpty() ? "" : "; left out (the gateway cannot check their"
                            + " password from what the server stores): " + read.skipped());
        }
        problem = null;
        return changed;
    }

    private static boolean same(ServerAccounts a, ServerAccounts b) {
        return a.fingerprint().equals(b.fingerprint()) && a.skipped().equals(b.skipped());
    }

    private void report(String what) {
        if (!Objects.equals(what, problem)) {
            problem = what;
            LOG.warnf("gateway: %s: the application users of the servers %s; the %d read before stay",
                    spec.clusterId(), what, accounts.size());
        }
    }
}
